package dev.lofilora.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.lofilora.common.LofiException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a Hugging Face {@code tokenizer.json} through DJL's binding of the Rust {@code tokenizers} library (the same
 * code ACE-Step runs through Python). DJL's jar carries the Linux/macOS/Windows natives, so nothing is downloaded:
 * offline mode is switched on before the first load. Problems are {@link LofiException}s naming the file.
 */
public final class HfTokenizers {
    private HfTokenizers() {}

    /**
     * Options with DJL's defaults switched off (it truncates to 512 and pads unless told otherwise); callers add their
     * own truncation.
     */
    static Map<String, String> plain(boolean addSpecialTokens) {
        return Map.of("truncation", "false", "padding", "false",
                "addSpecialTokens", Boolean.toString(addSpecialTokens));
    }

    /** A tokenizer from a file; {@code role} says what it is for messages ("the lyric vocabulary"). */
    public static HuggingFaceTokenizer load(Path file, Map<String, String> options, String role, String fix) {
        if (!Files.isRegularFile(file)) {
            throw new LofiException(file, Files.exists(file) ? "is not a file (" + role + ")"
                    : "does not exist (" + role + ")", fix);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read (" + role + "): " + e.getMessage(), fix, e);
        }
        return fromBytes(bytes, options, file, role, fix);
    }

    /** A tokenizer from JSON text (the tiny preset builds its own). */
    public static HuggingFaceTokenizer fromJson(String json, Map<String, String> options, String role) {
        return fromBytes(json.getBytes(StandardCharsets.UTF_8), options, null, role, "this is a bug in the tiny preset");
    }

    private static HuggingFaceTokenizer fromBytes(byte[] json, Map<String, String> options, Path file, String role,
                                                  String fix) {
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Path where = file == null ? Path.of("<" + role + ">") : file;
            throw new LofiException(where, "does not load as a Hugging Face tokenizer.json (" + role + "): " + why, fix, e);
        }
    }
}
