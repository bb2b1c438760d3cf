package dev.lofilora.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The folder {@code lofi export-onnx} writes and {@code lofi generate --engine onnx} reads:
 * <pre>
 *   manifest.json                           tier, per-part precision, files and sizes, opset, source and LoRA sha256,
 *                                           measured error of each part against libtorch
 *   text_encoder.onnx / .bin                UMT5 encoder
 *   transformer_encode.onnx / .bin          the condition encoder (speaker, genre, Conformer lyric encoder)
 *   transformer_decode.onnx / .bin          one denoising call
 *   dcae_decoder.onnx / .bin                DC-AE decoder (raw latent → normalised mel)
 *   vocoder.onnx / .bin                     mel → 44.1 kHz audio
 *   transformer_config.json                 the transformer's config.json
 *   text_tokenizer.json, lyric_vocab.json   the tokenizers
 * </pre>
 * {@link #read} checks the manifest and that every file it lists is present with its recorded size, so a missing or
 * truncated external-data file is reported by name before ONNX Runtime sees it.
 */
public final class ExportLayout {
    public static final String MANIFEST = "manifest.json";
    public static final String FORMAT = "lofi-lora onnx export";
    public static final int FORMAT_VERSION = 1;
    public static final String TEXT_ENCODER = "text_encoder";
    public static final String ENCODE = "transformer_encode";
    public static final String DECODE = "transformer_decode";
    public static final String DCAE = "dcae_decoder";
    public static final String VOCODER = "vocoder";
    /** The graphs, in the order they are written and verified. */
    public static final List<String> GRAPHS = List.of(TEXT_ENCODER, ENCODE, DECODE, DCAE, VOCODER);
    public static final String TRANSFORMER_CONFIG = "transformer_config.json";
    public static final String TEXT_TOKENIZER = "text_tokenizer.json";
    public static final String LYRIC_VOCAB = "lyric_vocab.json";

    private ExportLayout() {}

    /** The component a graph belongs to. */
    public static Tier.Component component(String graph) {
        return switch (graph) {
            case TEXT_ENCODER -> Tier.Component.TEXT_ENCODER;
            case ENCODE, DECODE -> Tier.Component.TRANSFORMER;
            case DCAE -> Tier.Component.DCAE;
            case VOCODER -> Tier.Component.VOCODER;
            default -> throw new IllegalArgumentException(graph);
        };
    }

    /** A read export: its folder and manifest. */
    public record Export(Path dir, JsonNode manifest) {
        public Path file(String name) { return dir.resolve(name); }

        public Path graph(String graph) { return dir.resolve(graph + ".onnx"); }

        public String tier() { return manifest.path("tier").asText(); }

        /** The manifest entry of one graph. */
        public JsonNode part(String graph) {
            for (JsonNode p : manifest.path("parts")) if (graph.equals(p.path("name").asText())) return p;
            throw new LofiException(dir.resolve(MANIFEST), "lists no part \"" + graph + "\"", "export the model again");
        }
    }

    /** Reads and checks the export in {@code dir}; a {@link LofiException} names whatever is missing or wrong. */
    public static Export read(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) {
            throw new LofiException(dir, Files.exists(dir) ? "is not a folder" : "does not exist",
                    "point --model at a folder written by lofi export-onnx");
        }
        if (!Files.isRegularFile(manifest)) {
            throw new LofiException(dir, "holds no " + MANIFEST + ", so it is not an export of lofi export-onnx",
                    "export the model with lofi export-onnx --out " + dir + ", or use --engine libtorch for a checkpoint");
        }
        JsonNode m = Json.readTree(manifest);
        if (!FORMAT.equals(m.path("format").asText()) || m.path("format_version").asInt() != FORMAT_VERSION) {
            throw new LofiException(manifest, "is not a version-" + FORMAT_VERSION + " manifest of " + FORMAT,
                    "export the model again with this version of lofi");
        }
        for (JsonNode part : m.path("parts")) {
            Iterator<Map.Entry<String, JsonNode>> files = part.path("files").fields();
            while (files.hasNext()) {
                Map.Entry<String, JsonNode> f = files.next();
                checkFile(dir.resolve(f.getKey()), f.getValue().asLong(), part.path("name").asText());
            }
        }
        for (String f : List.of(TRANSFORMER_CONFIG, TEXT_TOKENIZER, LYRIC_VOCAB)) checkFile(dir.resolve(f), -1, null);
        return new Export(dir, m);
    }

    private static void checkFile(Path file, long size, String part) {
        String what = part == null ? "" : " (" + (file.toString().endsWith(".bin") ? "the external data of " : "")
                + part + ")";
        if (!Files.isRegularFile(file)) {
            throw new LofiException(file, "is missing" + what, "copy the whole export folder, or export the model again");
        }
        try {
            if (size >= 0 && Files.size(file) != size) {
                throw new LofiException(file, "has " + Files.size(file) + " bytes, the manifest says " + size + what,
                        "the file is truncated or from another export; copy it again or export the model again");
            }
        } catch (IOException e) {
            throw new LofiException(file, "cannot be read: " + e.getMessage(), "check its permissions");
        }
    }
}
