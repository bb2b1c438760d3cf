package dev.lofilora.tensor;

import dev.lofilora.common.LofiException;

import java.nio.file.Path;

/** A safetensors file (or sharded index) that cannot be read: the message names the file, the problem and the fix. */
public class SafetensorsException extends LofiException {
    public SafetensorsException(Path file, String problem, String fix) {
        super(file, problem, fix);
    }

    public SafetensorsException(Path file, String problem, String fix, Throwable cause) {
        super(file, problem, fix, cause);
    }
}
