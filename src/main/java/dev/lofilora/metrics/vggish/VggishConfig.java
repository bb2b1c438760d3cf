package dev.lofilora.metrics.vggish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.LofiException;
import dev.lofilora.metrics.JsonFields;

import java.nio.file.Path;
import java.util.List;

/**
 * VGGish as torchvggish defines it ({@code vggish_params.py}, {@code vggish.py}), with the sizes the original
 * hard-codes exposed so tiny versions can be built: the front end (16 kHz, 25 ms / 10 ms frames, 64 HTK mel bands
 * 125–7500 Hz, {@code log(mel + 0.01)}, 0.96-s examples) and the network ({@code _features_layers}: conv widths with
 * "M" for 2×2 max-pooling; {@code _embeddings_widths}: the flattened conv output, the hidden widths, the embedding
 * size). {@link #RELEASED} is the published model; absent fields take its values.
 *
 * @param sampleRate       {@code SAMPLE_RATE} 16000
 * @param windowSeconds    {@code STFT_WINDOW_LENGTH_SECONDS} 0.025
 * @param hopSeconds       {@code STFT_HOP_LENGTH_SECONDS} 0.010
 * @param melBins          {@code NUM_MEL_BINS} 64
 * @param melMinHz         {@code MEL_MIN_HZ} 125
 * @param melMaxHz         {@code MEL_MAX_HZ} 7500
 * @param logOffset        {@code LOG_OFFSET} 0.01
 * @param exampleSeconds   {@code EXAMPLE_WINDOW_SECONDS} 0.96
 * @param exampleHopSeconds {@code EXAMPLE_HOP_SECONDS} 0.96
 * @param featuresLayers   conv widths, -1 for "M"
 * @param embeddingsWidths [flattened, hidden..., embedding size]
 */
public record VggishConfig(int sampleRate, double windowSeconds, double hopSeconds, int melBins, double melMinHz,
                           double melMaxHz, double logOffset, double exampleSeconds, double exampleHopSeconds,
                           List<Integer> featuresLayers, List<Integer> embeddingsWidths) {
    public static final VggishConfig RELEASED = new VggishConfig(16000, 0.025, 0.010, 64, 125, 7500, 0.01, 0.96, 0.96,
            List.of(64, -1, 128, -1, 256, 256, -1, 512, 512, -1), List.of(12288, 4096, 4096, 128));

    public VggishConfig {
        featuresLayers = List.copyOf(featuresLayers);
        embeddingsWidths = List.copyOf(embeddingsWidths);
        if (embeddingsWidths.size() < 2) throw new IllegalArgumentException("embeddings need at least two widths");
    }

    /** Reads a {@code config.json} (front-end and/or network fields); absent fields are the released values. */
    public static VggishConfig parse(JsonNode node, Path source) {
        JsonFields f = new JsonFields(node, source);
        VggishConfig r = RELEASED;
        VggishConfig c = new VggishConfig(f.integer("sample_rate", r.sampleRate),
                f.number("STFT_WINDOW_LENGTH_SECONDS", r.windowSeconds), f.number("STFT_HOP_LENGTH_SECONDS", r.hopSeconds),
                f.integer("NUM_MEL_BINS", r.melBins), f.number("MEL_MIN_HZ", r.melMinHz), f.number("MEL_MAX_HZ", r.melMaxHz),
                f.number("LOG_OFFSET", r.logOffset), f.number("EXAMPLE_WINDOW_SECONDS", r.exampleSeconds),
                f.number("EXAMPLE_HOP_SECONDS", r.exampleHopSeconds), f.layerSpec("_features_layers", r.featuresLayers),
                f.integers("_embeddings_widths", r.embeddingsWidths));
        if (f.has("EMBEDDING_SIZE") && f.integer("EMBEDDING_SIZE", 0) != c.embeddingSize()) {
            throw new LofiException(source, "EMBEDDING_SIZE " + f.integer("EMBEDDING_SIZE", 0) + " differs from the last "
                    + "of _embeddings_widths " + c.embeddingsWidths, "make them agree");
        }
        return c;
    }

    /** Samples per STFT window: {@code round(sr · 0.025)} = 400. */
    public int windowSamples() { return (int) Math.round(sampleRate * windowSeconds); }

    /** Samples per hop: {@code round(sr · 0.010)} = 160. */
    public int hopSamples() { return (int) Math.round(sampleRate * hopSeconds); }

    /** FFT length: the next power of two ≥ the window (512). */
    public int fftLength() { return Integer.highestOneBit(windowSamples() - 1) << 1; }

    /** Frames per example: {@code round(0.96 / 0.010)} = 96. */
    public int exampleFrames() { return (int) Math.round(exampleSeconds / hopSeconds); }

    /** Frames between examples (96: non-overlapping). */
    public int exampleHopFrames() { return (int) Math.round(exampleHopSeconds / hopSeconds); }

    /** Width of one embedding (128). */
    public int embeddingSize() { return embeddingsWidths.get(embeddingsWidths.size() - 1); }

    /** A description for reports ("VGGish 16 kHz, 64 mels 125–7500 Hz, 0.96-s examples, 128-d"). */
    public String describe() {
        return String.format("VGGish (torchvggish, no PCA, no final ReLU) %d Hz, %d mels %.0f–%.0f Hz, %.2f-s examples, "
                + "%d-d", sampleRate, melBins, melMinHz, melMaxHz, exampleSeconds, embeddingSize());
    }
}
