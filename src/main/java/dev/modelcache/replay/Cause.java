package dev.modelcache.replay;

/**
 * A reason outside the request body why a stored entry did not answer a request (another caller, another
 * namespace, another key recipe, a header that varies the key), in two lengths.
 *
 * @param brief  a few words for the one-line summary ({@code namespace 'a' -> 'b'})
 * @param detail a sentence for the explanation's list of causes, saying what to do when something can be done
 */
record Cause(String brief, String detail) {
}
