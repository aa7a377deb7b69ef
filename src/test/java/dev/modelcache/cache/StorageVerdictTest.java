package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.StorageVerdict.Answer;
import dev.modelcache.cache.StorageVerdict.Verdict;
import org.junit.jupiter.api.Test;

class StorageVerdictTest {
    /** A whole, framed, plain 200 answer: the one that is stored. */
    private static Answer plain(int status) {
        return new Answer(status, false, true, false, false, true, false);
    }

    private static Answer stream(boolean framed, boolean terminal, boolean error) {
        return new Answer(200, true, framed, terminal, error, true, false);
    }

    @Test
    void aWholePlain2xxAnswerIsStored() {
        assertEquals(Verdict.STORE, StorageVerdict.decide(plain(200)));
        assertTrue(StorageVerdict.decide(plain(201)).store());
    }

    @Test
    void onlyWhole2xxStatusesAreStorable() {
        for (int status : new int[] {200, 201, 202, 203, 204, 299}) {
            assertTrue(StorageVerdict.storableStatus(status), "status " + status);
        }
        for (int status : new int[] {206, 100, 199, 300, 304, 400, 401, 404, 429, 500, 502, 503}) {
            assertFalse(StorageVerdict.storableStatus(status), "status " + status);
        }
    }

    @Test
    void errorsAndPartialContentAreNotStored() {
        assertEquals(Verdict.NOT_SUCCESS, StorageVerdict.decide(plain(429)));
        assertEquals(Verdict.NOT_SUCCESS, StorageVerdict.decide(plain(500)));
        assertEquals(Verdict.NOT_SUCCESS, StorageVerdict.decide(plain(206)));
    }

    @Test
    void aStreamWithAnErrorEventIsNotStored() {
        assertEquals(Verdict.ERROR_EVENT, StorageVerdict.decide(stream(true, true, true)));
    }

    @Test
    void anUnframedStreamIsStoredOnlyWithItsTerminalEvent() {
        assertEquals(Verdict.UNTERMINATED, StorageVerdict.decide(stream(false, false, false)));
        assertEquals(Verdict.STORE, StorageVerdict.decide(stream(false, true, false)));
    }

    @Test
    void aFramedStreamNeedsNoTerminalEvent() {
        assertEquals(Verdict.STORE, StorageVerdict.decide(stream(true, false, false)),
                "HttpClient fails a chunked or sized body that ends early");
    }

    @Test
    void aStreamOfAnApiThatAlwaysEndsWithATerminalEventIsStoredOnlyWithItEvenWhenFramed() {
        assertEquals(Verdict.UNTERMINATED, StorageVerdict.decide(new Answer(200, true, true, false, false, true, false, true)));
        assertEquals(Verdict.STORE, StorageVerdict.decide(new Answer(200, true, true, true, false, true, false, true)));
        assertEquals(Verdict.STORE, StorageVerdict.decide(new Answer(200, false, true, false, false, true, false, true)),
                "a plain answer has no terminal event to show");
    }

    @Test
    void anAnswerWhoseCopyWasDroppedIsNotStored() {
        assertEquals(Verdict.NOT_CAPTURED,
                StorageVerdict.decide(new Answer(200, false, true, false, false, false, false)));
    }

    @Test
    void anAnswerStillInAContentCodingIsNotStored() {
        assertEquals(Verdict.ENCODED,
                StorageVerdict.decide(new Answer(200, false, true, false, false, true, true)));
    }

    @Test
    void anUnframedPlainAnswerIsStored() {
        assertEquals(Verdict.STORE, StorageVerdict.decide(new Answer(200, false, false, false, false, true, false)),
                "the terminal-event rule is for streams only");
    }
}
