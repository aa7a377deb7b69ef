package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartBodyTest {
    static byte[] upload(String boundary, String audio) {
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp3\"\r\n"
                + "Content-Type: audio/mpeg\r\n\r\n" + audio + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theSameUploadWithAnotherBoundaryIsTheSameBody() {
        byte[] a = MultipartBody.withoutBoundary("multipart/form-data; boundary=----formdata-undici-0123", upload("----formdata-undici-0123", "ID3 audio"));
        byte[] b = MultipartBody.withoutBoundary("multipart/form-data; boundary=\"xyz987\"", upload("xyz987", "ID3 audio"));
        assertArrayEquals(a, b);
    }

    @Test
    void differentContentStaysDifferent() {
        byte[] a = MultipartBody.withoutBoundary("multipart/form-data; boundary=b1", upload("b1", "ID3 audio one"));
        byte[] b = MultipartBody.withoutBoundary("multipart/form-data; boundary=b2", upload("b2", "ID3 audio two"));
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void otherBodiesAreLeftAlone() {
        byte[] body = "--b1 not multipart".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(body, MultipartBody.withoutBoundary("text/plain; boundary=b1", body));
        assertArrayEquals(body, MultipartBody.withoutBoundary("multipart/form-data", body));
        assertNull(MultipartBody.boundary("application/json"));
        assertEquals("a b", MultipartBody.boundary("multipart/mixed; charset=x; Boundary=\"a b\""));
    }
}
