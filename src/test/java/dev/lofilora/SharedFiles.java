package dev.lofilora;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test access to {@code ../shared} (golden tensors, reference files, research). A test that needs a file there
 * calls {@link #require}; when the folder is absent (a user's clone) the test is skipped with a message.
 */
public final class SharedFiles {
    private SharedFiles() {}

    public static Path root() {
        return Path.of(System.getProperty("lofi.shared", "../shared")).toAbsolutePath().normalize();
    }

    /** The path of {@code relative} under ../shared, or a skipped test when it is absent. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "skipped: " + p + " is absent (../shared is provided beside the checkout in CI)");
        return p;
    }
}
