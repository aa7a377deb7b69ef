package dev.modelcache.replay;

/**
 * One place where a stored request and the request that missed disagree: a JSON pointer ({@code /temperature},
 * {@code /messages/3/content}; the empty pointer is the whole body) and each side's value, rendered short by
 * {@link ShortText#value}. A side without the value reads {@value ShortText#ABSENT}.
 *
 * @param pointer where the values differ, as a JSON pointer (RFC 6901)
 * @param before  the stored entry's value
 * @param after   the value in the request that missed
 */
public record Difference(String pointer, String before, String after) {
    @Override
    public String toString() {
        return (pointer.isEmpty() ? "(body)" : pointer) + " " + before + " -> " + after;
    }
}
