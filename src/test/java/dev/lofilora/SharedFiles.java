package dev.lofilora;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test access to {@code ../shared} (golden tensors, reference files, research). A test that needs a file there
 * calls {@link #require}. When the file is absent, a user's clone skips the test with a message; with
 * {@code -Dlofi.requireShared=true} (what CI's {@code .ci/run} passes) the test fails instead, so CI cannot pass
 * by silently skipping its golden tests.
 */
public final class SharedFiles {
    /** System property that turns a missing shared file from a skip into a failure. */
    public static final String REQUIRE_PROPERTY = "lofi.requireShared";

    private SharedFiles() {}

    public static Path root() {
        return Path.of(System.getProperty("lofi.shared", "../shared")).toAbsolutePath().normalize();
    }

    /** Whether a missing shared file fails the test (CI) rather than skipping it. */
    public static boolean required() {
        return Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"));
    }

    /** The path of {@code relative} under ../shared; a skipped test when it is absent, a failed one under CI. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (Files.exists(p)) return p;
        if (required()) {
            fail(p + " is absent, and -D" + REQUIRE_PROPERTY + "=true (CI) makes that a failure: put ../shared beside "
                    + "the checkout, or point -Dlofi.sharedDir (Maven) at it");
        }
        assumeTrue(false, () -> "skipped: " + p + " is absent (../shared is provided beside the checkout in CI)");
        return p;
    }
}
