package dev.modelcache.http;

import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {
    private final HttpServletResponse response = mock(HttpServletResponse.class);

    @Test
    void aHitCarriesItsLabelAndItsAgeSinceStored() {
        long storedAt = System.currentTimeMillis() - 90_000;
        ResponseHead.write(response, 200, Headers.of("Content-Type", "application/json"), CacheStatus.HIT, storedAt, 12);
        verify(response).setStatus(200);
        verify(response).addHeader("Content-Type", "application/json");
        verify(response).setHeader("X-Cache", "HIT");
        verify(response).setHeader(eq("Age"), org.mockito.ArgumentMatchers.matches("9[0-9]"));
        verify(response).setContentLengthLong(12);
    }

    @Test
    void aFreshAnswerHasNoAge() {
        ResponseHead.write(response, 200, Headers.EMPTY, CacheStatus.MISS, 0, 5);
        verify(response).setHeader("X-Cache", "MISS");
        verify(response, never()).setHeader(eq("Age"), org.mockito.ArgumentMatchers.anyString());
    }

    @Test
    void aStreamIsNotSizedUpFront() {
        ResponseHead.write(response, 200, Headers.EMPTY, CacheStatus.REFRESH, 0, ResponseHead.UNKNOWN_LENGTH);
        verify(response).setHeader("X-Cache", "REFRESH");
        verify(response, never()).setContentLengthLong(anyLong());
    }

    @Test
    void aHitWritesOnlyTheStoredFieldsAndNeverFramingWhateverItIsHanded() {
        Headers handed = Headers.of("Content-Type", "application/json", "Transfer-Encoding", "chunked", "Content-Length", "5",
                "Connection", "close", "Set-Cookie", "s=1", "x-request-id", "req_1", "Server", "upstream");
        ResponseHead.write(response, 200, handed, CacheStatus.HIT, System.currentTimeMillis(), 12);
        verify(response).addHeader("Content-Type", "application/json");
        verify(response).addHeader("x-request-id", "req_1");
        verify(response, org.mockito.Mockito.times(2)).addHeader(org.mockito.ArgumentMatchers.anyString(),
                org.mockito.ArgumentMatchers.anyString());
        verify(response).setContentLengthLong(12);
    }

    @Test
    void aFreshAnswerKeepsItsEndToEndFieldsButNeverItsFraming() {
        Headers handed = Headers.of("Content-Type", "application/json", "Transfer-Encoding", "chunked", "Content-Length", "5",
                "Connection", "close", "Set-Cookie", "s=1");
        ResponseHead.write(response, 200, handed, CacheStatus.MISS, 0, 12);
        verify(response).addHeader("Content-Type", "application/json");
        verify(response).addHeader("Set-Cookie", "s=1");
        verify(response, org.mockito.Mockito.times(2)).addHeader(org.mockito.ArgumentMatchers.anyString(),
                org.mockito.ArgumentMatchers.anyString());
    }
}
