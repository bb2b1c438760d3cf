package dev.lofilora.infer;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.List;

/**
 * A {@code lofi generate} run.
 *
 * @param model            "tiny" or an ACE-Step v1 checkpoint folder
 * @param items            the clips (one {@code --prompt}, or a {@code --prompts} JSONL set)
 * @param sampling         scheduler, steps, oss_steps, ω and guidance
 * @param erg              the ERG switches
 * @param pipeline         device, dtype, lyric vocabulary, LoRA
 * @param out              the output folder
 * @param format           WAV (32-bit float, as ACE-Step's soundfile save) or FLAC (24-bit)
 * @param overlappedDecode ACE-Step's {@code overlapped_decode} (the windowed decode above 48 s)
 * @param force            regenerate clips whose files exist for the same settings
 */
public record GenerateConfig(String model, List<GenerationItem> items, SamplingSettings sampling, ErgSwitches erg,
                             Text2MusicPipeline.Options pipeline, Path out, Format format, boolean overlappedDecode,
                             boolean force) {
    /** Output formats. */
    public enum Format {
        WAV("wav"), FLAC("flac");

        private final String id;

        Format(String id) {
            this.id = id;
        }

        public String id() { return id; }

        public static Format parse(String s) {
            for (Format f : values()) if (f.id.equalsIgnoreCase(s == null ? "" : s.trim())) return f;
            throw new LofiException("unknown output format \"" + s + "\"", "use wav or flac");
        }
    }

    public GenerateConfig {
        if (items == null || items.isEmpty()) throw new LofiException("nothing to generate", "give --prompt or --prompts");
        items = List.copyOf(items);
        if (out == null) throw new LofiException("no --out folder given", "pass --out <dir>");
        if (format == null) format = Format.WAV;
        if (erg == null) erg = ErgSwitches.ALL;
    }

    /** A CPU run of {@code items} with ACE-Step's defaults into {@code out} (embedders, tests). */
    public static GenerateConfig of(String model, List<GenerationItem> items, Path out, ConfigFiles configs) {
        return new GenerateConfig(model, items, SamplingSettings.aceStepDefaults(), ErgSwitches.ALL,
                Text2MusicPipeline.Options.cpu(configs), out, Format.WAV, false, false);
    }

    public GenerateConfig withModel(String m) {
        return new GenerateConfig(m, items, sampling, erg, pipeline, out, format, overlappedDecode, force);
    }

    public GenerateConfig withSampling(SamplingSettings s) {
        return new GenerateConfig(model, items, s, erg, pipeline, out, format, overlappedDecode, force);
    }

    public GenerateConfig withPipeline(Text2MusicPipeline.Options p) {
        return new GenerateConfig(model, items, sampling, erg, p, out, format, overlappedDecode, force);
    }
}
