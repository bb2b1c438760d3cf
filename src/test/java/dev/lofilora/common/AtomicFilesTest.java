package dev.lofilora.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void failedWriteLeavesOldFileAndNoTemporary() throws IOException {
        Path target = dir.resolve("report.json");
        AtomicFiles.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the temporary file must be removed");
        }
    }

    @Test
    void writeCreatesParentFolders() throws IOException {
        Path target = dir.resolve("a/b/c.txt");
        AtomicFiles.writeString(target, "x");
        assertEquals("x", Files.readString(target));
    }
}
