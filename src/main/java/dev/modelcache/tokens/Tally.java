package dev.modelcache.tokens;

import com.knuddels.jtokkit.api.Encoding;

/**
 * A running token count for one side of an exchange, and whether it is still exact. It turns into an estimate when text
 * is encoded with a guessed encoding, when framing is assumed for a model whose framing is not known, when a part is
 * approximated, or when a part is left out because it cannot be counted.
 *
 * <p>Text is encoded as ordinary text: a prompt that contains {@code <|endoftext|>} is the characters the user sent,
 * which the API does not turn into the special token either.
 */
final class Tally {
    private final Encoding encoding;
    private final boolean knownEncoding;
    private long tokens;
    private boolean estimated;

    Tally(Encoding encoding, boolean knownEncoding) {
        this.encoding = encoding;
        this.knownEncoding = knownEncoding;
    }

    /** Text the model reads or writes verbatim; exact unless the encoding is a guess. */
    void text(String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        tokens += encoding.countTokensOrdinary(text);
        if (!knownEncoding) {
            estimated = true;
        }
    }

    /** Tokens the chat format adds around messages; documented for known models, assumed for others. */
    void framing(int count) {
        tokens += count;
        if (!knownEncoding) {
            estimated = true;
        }
    }

    /** Tokens a client sent already encoded, as token ids: their number is exact whatever the encoding. */
    void tokenIds(long count) {
        tokens += count;
    }

    /** Text whose surrounding format is not known, such as tool call arguments: its tokens, as an estimate. */
    void approximateText(String text) {
        text(text);
        estimated = true;
    }

    /** A part counted by a rule of thumb, such as an image of unknown size. */
    void approximate(long count) {
        tokens += count;
        estimated = true;
    }

    /** A part left out or a format guessed: the count stands, but only as an estimate. */
    void markEstimated() {
        estimated = true;
    }

    long tokens() {
        return tokens;
    }

    boolean estimated() {
        return estimated;
    }
}
