package dev.lofilora.listen;

import java.nio.file.Path;

/** A clip both systems rendered: its name (the file name without extension) and the two files. */
public record ClipPair(String name, Path fileA, Path fileB) {}
