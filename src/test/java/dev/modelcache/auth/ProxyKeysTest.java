package dev.modelcache.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Proxy keys are held as hashes and a presented key is known by its hash, compared in constant time. */
class ProxyKeysTest {
    static final String ALICE_KEY = "mc-alice-7f3a9c";
    static final String CI_KEY = "mc-ci-0b12de";

    static ProxyKeys keys() {
        return ProxyKeys.of(AuthConfig.parse("alice:sha256:" + ProxyKeys.sha256Hex(ALICE_KEY)
                + ",ci:sha256:" + ProxyKeys.sha256Hex(CI_KEY)));
    }

    @Test
    void aPresentedKeyIsKnownByTheNameOfItsHash() {
        assertEquals(Optional.of("alice"), keys().nameOf(ALICE_KEY));
        assertEquals(Optional.of("ci"), keys().nameOf(CI_KEY));
    }

    @Test
    void anyOtherKeyIsNoneOfThemWhateverItsLength() {
        ProxyKeys keys = keys();
        for (String other : new String[] {"", "m", ALICE_KEY + " ", ALICE_KEY.substring(1), ALICE_KEY.toUpperCase(),
                "x".repeat(10_000)}) {
            assertEquals(Optional.empty(), keys.nameOf(other), other.length() > 40 ? "a long key" : other);
        }
    }

    @Test
    void theStoredHashItselfIsNotAKey() {
        assertEquals(Optional.empty(), keys().nameOf(ProxyKeys.sha256Hex(ALICE_KEY)),
                "someone who read the configuration must not be able to present what it holds");
    }

    @Test
    void theHashIsWhatSha256sumPrintsForTheKeyWithoutANewline() throws Exception {
        // printf %s "mc-alice-7f3a9c" | sha256sum
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(ALICE_KEY.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected, ProxyKeys.sha256(ALICE_KEY));
        assertEquals(HexFormat.of().formatHex(expected), ProxyKeys.sha256Hex(ALICE_KEY));
        assertEquals(64, ProxyKeys.sha256Hex("").length());
    }

    /**
     * The comparison runs on fixed-length digests, never on the presented text, with {@link MessageDigest#isEqual}
     * against every configured hash: a key that shares all but its last character with a real one, or whose hash
     * shares a long prefix, takes the same path and is refused like any other.
     */
    @Test
    void theConstantTimePathComparesDigestsOfOneLengthAgainstEveryHash() {
        byte[] alice = ProxyKeys.sha256(ALICE_KEY);
        byte[] nearly = alice.clone();
        nearly[nearly.length - 1] ^= 1;
        assertFalse(MessageDigest.isEqual(alice, nearly));
        assertEquals(32, ProxyKeys.sha256("x".repeat(10_000)).length);
        assertEquals(Optional.empty(), keys().nameOf(ALICE_KEY.substring(0, ALICE_KEY.length() - 1) + "d"));
        ProxyKeys one = ProxyKeys.of(AuthConfig.parse("ci:sha256:" + ProxyKeys.sha256Hex(CI_KEY)));
        assertEquals(Optional.of("ci"), one.nameOf(CI_KEY), "the last configured key is found too");
    }

    @Test
    void printsNamesNeverHashes() {
        String text = keys().toString();
        assertTrue(text.contains("alice") && text.contains("ci"), text);
        assertFalse(text.contains(ProxyKeys.sha256Hex(ALICE_KEY)), text);
        assertFalse(AuthConfig.parse("alice:sha256:" + ProxyKeys.sha256Hex(ALICE_KEY)).toString()
                .contains(ProxyKeys.sha256Hex(ALICE_KEY)));
    }
}
