package dev.lofilora.dataset.curate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens an input file for hashing. The seam exists so tests can inject an I/O failure (the tests run as root, where
 * file permissions cannot make a file unreadable); production code uses {@link #FILES}.
 */
@FunctionalInterface
interface InputOpener {
    InputStream open(Path file) throws IOException;

    InputOpener FILES = Files::newInputStream;
}
