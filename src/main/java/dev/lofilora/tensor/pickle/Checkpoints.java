package dev.lofilora.tensor.pickle;

import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.TensorSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens weights as users have them: a {@code torch.save} checkpoint ({@code .pt}/{@code .pth}, recognised by its
 * content — a zip or a pickle — not its name) through {@link PtCheckpoint}, anything else through
 * {@link Safetensors#open} (a file, a sharded index or a folder).
 */
public final class Checkpoints {
    private Checkpoints() {}

    public static TensorSource open(Path file) {
        if (Files.isRegularFile(file) && isTorchSave(file)) return PtCheckpoint.open(file);
        return Safetensors.open(file);
    }

    /** Whether the file starts like a torch.save checkpoint (zip "PK" or a pickle PROTO opcode). */
    public static boolean isTorchSave(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            int a = in.read(), b = in.read();
            return (a == 'P' && b == 'K') || a == 0x80;
        } catch (IOException e) {
            return false;
        }
    }
}
