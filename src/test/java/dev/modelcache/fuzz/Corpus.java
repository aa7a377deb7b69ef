package dev.modelcache.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * The kept corpus: the inputs under {@code src/test/resources/fuzz-corpus/<target>/}, one file per input, byte for
 * byte. Every fuzz property mixes them into what it generates (and tries them first, as edge cases), so an input
 * that once broke something is tried on every run. A failure found by a longer run becomes a corpus file: write the
 * shrunk input jqwik reports into a new file under its target's folder, named for what it broke.
 */
final class Corpus {
    private Corpus() {
    }

    /** Every input of {@code target}, in file name order. */
    static List<byte[]> bytes(String target) {
        URL folder = Corpus.class.getResource("/fuzz-corpus/" + target);
        if (folder == null) {
            throw new IllegalStateException("no corpus folder fuzz-corpus/" + target + " on the test classpath");
        }
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            return files.filter(Files::isRegularFile).sorted().map(Corpus::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every input of {@code target} as UTF-8 text, with a trailing line feed (editors add one) removed. */
    static List<String> texts(String target) {
        return bytes(target).stream().map(b -> new String(b, StandardCharsets.UTF_8))
                .map(s -> s.endsWith("\n") ? s.substring(0, s.length() - 1) : s).toList();
    }

    /** The corpus of {@code target} as an arbitrary (its inputs are its edge cases too). */
    static Arbitrary<String> textArbitrary(String target) {
        return Arbitraries.of(texts(target));
    }

    static Arbitrary<byte[]> bytesArbitrary(String target) {
        return Arbitraries.of(bytes(target));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
