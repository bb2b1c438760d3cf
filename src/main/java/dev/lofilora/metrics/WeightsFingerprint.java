package dev.lofilora.metrics;

import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A cheap identity of a weights file for cache keys: its size and the SHA-256 of its first and last MiB (hashing a
 * 2.35 GB CLAP checkpoint whole on every run would cost more than scoring a few clips).
 */
public final class WeightsFingerprint {
    private WeightsFingerprint() {}

    public static String of(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[(int) Math.min(1 << 20, size)];
            f.readFully(buf);
            sha.update(buf);
            if (size > buf.length) {
                f.seek(Math.max(buf.length, size - buf.length));
                byte[] tail = new byte[(int) (size - f.getFilePointer())];
                f.readFully(tail);
                sha.update(tail);
            }
            return size + ":" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read: " + e.getMessage(), "check the weights path", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 (hex, 16 chars) of a string: config descriptions, pipeline keys. */
    public static String ofText(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code weights} names the tiny preset rather than a file. */
    public static boolean isTiny(String weights) {
        return "tiny".equals(weights);
    }

    static void requireFile(Path p, String what) {
        if (!Files.exists(p)) {
            throw new LofiException(p, "does not exist", "give the " + what + " weights file (or \"tiny\" for the toy preset)");
        }
    }
}
