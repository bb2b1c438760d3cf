package dev.lofilora.export;

import dev.lofilora.common.LofiException;
import dev.lofilora.export.graph.Precision;

import java.util.Locale;

/**
 * The export tiers of {@code lofi export-onnx} (research onnx_export.md §4 "Suggested tiers"): what the transformer's
 * linear layers become, with the other components at the nearest precision they tolerate — UMT5 at fp32 or fp16 (stored;
 * computed in fp32; int8 only when asked for), the audio components (DCAE decoder, vocoder) never below fp16.
 */
public enum Tier {
    FP32, FP16, INT8, INT4;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** The tier named {@code s}; a {@link LofiException} listing the tiers otherwise. */
    public static Tier parse(String s) {
        for (Tier t : values()) if (t.id().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) return t;
        throw new LofiException("unknown tier \"" + s + "\"", "use fp32, fp16, int8 or int4");
    }

    /** The precision {@code component} gets under this tier (no override). */
    public Precision precisionOf(Component component) {
        return switch (component) {
            case TRANSFORMER -> switch (this) {
                case FP32 -> Precision.FP32;
                case FP16 -> Precision.FP16;
                case INT8 -> Precision.INT8;
                case INT4 -> Precision.INT4;
            };
            case TEXT_ENCODER -> switch (this) {
                case FP32 -> Precision.FP32;
                // int8 is opt-in (--precision text_encoder=int8): on the mid-size config it was off by 0.36 of the
                // largest output against fp16's 8e-3 (OnnxBenchmark), and every condition the transformer sees
                // goes through it, while it is a small share of the package's size and time
                case FP16, INT8, INT4 -> Precision.FP16_STORED;
            };
            case DCAE, VOCODER -> this == FP32 ? Precision.FP32 : Precision.FP16_STORED;
        };
    }

    /** The four exported components. */
    public enum Component {
        TEXT_ENCODER("text_encoder"), TRANSFORMER("transformer"), DCAE("dcae"), VOCODER("vocoder");

        public final String id;

        Component(String id) {
            this.id = id;
        }

        /** The component named {@code s} ({@code --precision s=tier}). */
        public static Component parse(String s) {
            for (Component c : values()) if (c.id.equals(s == null ? "" : s.trim())) return c;
            throw new LofiException("unknown component \"" + s + "\" in --precision",
                    "use text_encoder, transformer, dcae or vocoder (e.g. --precision text_encoder=fp32)");
        }

        /**
         * The precision of this component when the user asks for {@code tier} for it explicitly; refuses, with the
         * reason, what it must not become.
         */
        public Precision override(Tier tier) {
            boolean audio = this == DCAE || this == VOCODER;
            if (audio && (tier == INT8 || tier == INT4)) {
                throw new LofiException("--precision " + id + "=" + tier.id() + " is refused: the audio components "
                        + "(dcae, vocoder) are never exported below fp16 — their error is not averaged away by later "
                        + "layers but heard directly in the waveform (quantisation noise and clicks)",
                        "use --precision " + id + "=fp16 (stored fp16, computed fp32) or fp32");
            }
            if (this == TEXT_ENCODER && tier == INT4) {
                throw new LofiException("--precision text_encoder=int4 is refused: UMT5 is exported at fp32, fp16 or "
                        + "int8 (a 4-bit text encoder shifts every condition the transformer sees)",
                        "use --precision text_encoder=int8, fp16 or fp32");
            }
            if (tier == FP16 && this != TRANSFORMER) return Precision.FP16_STORED; // fp16 activations overflow here
            return tier.precisionOf(TRANSFORMER);
        }
    }
}
