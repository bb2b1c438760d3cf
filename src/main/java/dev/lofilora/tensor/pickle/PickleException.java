package dev.lofilora.tensor.pickle;

import dev.lofilora.common.LofiException;

import java.nio.file.Path;

/**
 * A pickled checkpoint that cannot or must not be read: it names a global outside the allowlist, is truncated, is
 * malformed, or uses a feature a state dict never needs. The message names the file, the problem and the fix.
 */
public class PickleException extends LofiException {
    public PickleException(Path file, String problem, String fix) {
        super(file, problem, fix);
    }

    public PickleException(Path file, String problem, String fix, Throwable cause) {
        super(file, problem, fix, cause);
    }
}
