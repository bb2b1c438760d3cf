package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.infer.ErgSwitches;
import dev.lofilora.infer.GenerateConfig;
import dev.lofilora.infer.GenerateJob;
import dev.lofilora.infer.GenerateResult;
import dev.lofilora.infer.GenerationItem;
import dev.lofilora.infer.GenerationItems;
import dev.lofilora.infer.InferenceLora;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.infer.Text2MusicPipeline;
import dev.lofilora.infer.guidance.CfgType;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.SchedulerType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lofi generate}: text (and lyrics) → music with ACE-Step's sampler, optionally with a LoRA. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Generate music from a text prompt (and lyrics) with ACE-Step's text2music pipeline: UMT5 on the prompt, the lyric tokens, the diffusion transformer under the chosen sampler and guidance, the DCAE decoder and the vocoder, written as 48 kHz stereo <out>/<name>.wav (32-bit float, as ACE-Step saves) or .flac, with <name>_input_params.json beside it (ACE-Step's field names). The defaults are ACE-Step's. One --prompt, or a --prompts JSON Lines file ({\"name\", \"prompt\", \"lyrics\", \"duration\", \"seed\"} per line) generated with one load of the model. A clip whose files exist for the same settings is skipped.",
                "",
                "Exit codes: 0 every clip generated (or unchanged); 1 some clips failed; 2 bad option, item, model folder or LoRA (nothing is written); 3 internal error."
        })
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<dir|tiny>",
            description = "An ACE-Step v1 checkpoint folder (ace_step_transformer/, music_dcae_f8c8/, music_vocoder/, umt5-base/) or 'tiny' (the built-in toy preset: it shows the chain, it does not make music); with --engine onnx a folder written by lofi export-onnx.")
    String model;

    @Option(names = "--engine", paramLabel = "<libtorch|onnx>", defaultValue = "libtorch",
            description = "Run the models on libtorch (the Java modules) or on ONNX Runtime (an export of lofi export-onnx; same flow, sampler and outputs) (default: ${DEFAULT-VALUE}).")
    String engine;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "<text>", description = "The style prompt, e.g. \"lofi hip hop, mellow piano, vinyl crackle, 80 bpm\".")
        String prompt;

        @Option(names = "--prompts", paramLabel = "<file.jsonl>", description = "A JSON Lines set: {\"name\", \"prompt\", \"lyrics\", \"duration\", \"seed\"} per line (lyrics, duration and seed optional).")
        Path prompts;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--name", paramLabel = "<name>", defaultValue = "output", description = "Output name for --prompt (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--lyrics", paramLabel = "<file>", description = "A lyrics text file for --prompt (default: none, an instrumental).")
    Path lyrics;

    @Option(names = "--duration", paramLabel = "<s>", defaultValue = "60", description = "Seconds, 1–240 (default: ${DEFAULT-VALUE}; also the default of --prompts items).")
    double duration;

    @Option(names = "--seed", paramLabel = "<n>", description = "Seed of the initial noise for --prompt (default: random, recorded in the params file).")
    Long seed;

    @Option(names = "--steps", paramLabel = "<n>", defaultValue = "60", description = "Inference steps (default: ${DEFAULT-VALUE}; ACE-Step's speed table also uses 27).")
    int steps;

    @Option(names = "--scheduler", paramLabel = "<euler|heun|pingpong>", defaultValue = "euler", description = "Sampler (default: ${DEFAULT-VALUE}). Heun evaluates the model twice per step.")
    String scheduler;

    @Option(names = "--guidance", paramLabel = "<apg|cfg|cfg_star>", defaultValue = "apg", description = "Guidance rule (default: ${DEFAULT-VALUE}).")
    String guidance;

    @Option(names = "--guidance-scale", paramLabel = "<g>", defaultValue = "15", description = "Guidance scale; 0 or 1 turns guidance off (default: ${DEFAULT-VALUE}).")
    double guidanceScale;

    @Option(names = "--omega", paramLabel = "<w>", defaultValue = "10", description = "omega_scale of the Euler/Heun mean shift (default: ${DEFAULT-VALUE}).")
    double omega;

    @Option(names = "--guidance-interval", paramLabel = "<f>", defaultValue = "0.5", description = "Fraction of the steps, centred, that are guided (default: ${DEFAULT-VALUE}).")
    double guidanceInterval;

    @Option(names = "--guidance-interval-decay", paramLabel = "<f>", defaultValue = "0", description = "Linear decay of the scale across the guided steps (default: ${DEFAULT-VALUE}).")
    double guidanceIntervalDecay;

    @Option(names = "--min-guidance-scale", paramLabel = "<g>", defaultValue = "3", description = "Where a full decay ends (default: ${DEFAULT-VALUE}).")
    double minGuidanceScale;

    @Option(names = "--guidance-scale-text", paramLabel = "<g>", defaultValue = "0", description = "Double-condition text scale; with --guidance-scale-lyric both > 1 it replaces --guidance (default: ${DEFAULT-VALUE}).")
    double guidanceScaleText;

    @Option(names = "--guidance-scale-lyric", paramLabel = "<g>", defaultValue = "0", description = "Double-condition lyric scale (default: ${DEFAULT-VALUE}).")
    double guidanceScaleLyric;

    @Option(names = "--oss-steps", paramLabel = "<i,j,...>", description = "ACE-Step's oss_steps: 1-based steps picked from a schedule of max(oss_steps) steps (Euler and PingPong only).")
    String ossSteps;

    @Option(names = "--no-erg-tag", description = "Turn off ERG on the prompt (UMT5 blocks 8–9).")
    boolean noErgTag;

    @Option(names = "--no-erg-lyric", description = "Turn off ERG on the lyrics (lyric encoder layers 4–5).")
    boolean noErgLyric;

    @Option(names = "--no-erg-diffusion", description = "Turn off ERG in the unconditional decode (transformer blocks 15–19).")
    boolean noErgDiffusion;

    @Option(names = "--lora", paramLabel = "<file|dir>", description = "A LoRA: a training checkpoint folder (PEFT), adapter_model.safetensors, pytorch_lora_weights.safetensors (ACE-Step) or a lofi export.")
    Path lora;

    @Option(names = "--lora-scale", paramLabel = "<s>", defaultValue = "1.0", description = "LoRA strength: 1.0 = as trained (default: ${DEFAULT-VALUE}).")
    double loraScale;

    @Option(names = "--acestep-lora-scale", description = "Apply --lora-scale as ACE-Step's own loader does (alpha ignored, adapter in the model dtype), to match outputs of the Python pipeline; with its shipped configs 2.0 then equals training strength.")
    boolean acestepLoraScale;

    @Option(names = "--lyric-vocab", paramLabel = "<file>", description = "ACE-Step's lyric vocabulary (default: the one inside or beside the --model folder).")
    Path lyricVocab;

    @Option(names = "--device", paramLabel = "<device>", defaultValue = "auto", description = "auto (CUDA when available), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--bf16", description = "Run the transformer and the sampler in bfloat16 as ACE-Step's default pipeline does; the DCAE, vocoder and UMT5 keep float32 activations over bf16-rounded weights (default: float32).")
    boolean bf16;

    @Option(names = "--format", paramLabel = "<wav|flac>", defaultValue = "wav", description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--overlapped-decode", description = "ACE-Step's overlapped_decode: decode clips longer than 48 s in windows (bounded memory).")
    boolean overlappedDecode;

    @Option(names = "--force", description = "Regenerate clips whose files exist for the same settings.")
    boolean force;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "Output folder.")
    Path out;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        GuidanceSettings g = new GuidanceSettings(guidanceScale, guidanceInterval, guidanceIntervalDecay, minGuidanceScale,
                guidanceScaleText, guidanceScaleLyric, CfgType.parse(guidance), 1, true);
        SamplingSettings sampling = new SamplingSettings(SchedulerType.parse(scheduler), steps, oss(ossSteps), omega, g);
        Text2MusicPipeline.Options options = new Text2MusicPipeline.Options(device, bf16, lyricVocab, lora, loraScale,
                acestepLoraScale ? InferenceLora.ScaleMode.ACESTEP_LOADER : InferenceLora.ScaleMode.TRAINING,
                common.config(), engine);
        GenerateConfig config = new GenerateConfig(model, items(), sampling,
                new ErgSwitches(!noErgTag, !noErgLyric, !noErgDiffusion), options, out, GenerateConfig.Format.parse(format),
                overlappedDecode, force);
        GenerateResult r = new GenerateJob(config).run(ConsoleProgress.create(common));
        if (common.json) System.out.println(Json.toString(r));
        else print(r, System.out);
        return r.allDone() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }

    private List<GenerationItem> items() {
        if (input.prompts != null) {
            if (lyrics != null || seed != null) {
                throw new LofiException("--lyrics and --seed go with --prompt", "put lyrics and seeds in the --prompts file");
            }
            return GenerationItems.readJsonl(input.prompts, duration);
        }
        String text = "";
        if (lyrics != null) {
            try {
                text = Files.readString(lyrics, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new LofiException(lyrics, Files.exists(lyrics) ? "cannot be read: " + e.getMessage() : "does not exist",
                        "give a UTF-8 lyrics text file");
            }
        }
        return List.of(new GenerationItem(name, input.prompt, text, duration, seed));
    }

    static List<Integer> oss(String s) {
        List<Integer> out = new ArrayList<>();
        if (s == null || s.isBlank()) return out;
        for (String part : s.split(",")) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new LofiException("--oss-steps \"" + s + "\" is not a comma-separated list of integers",
                        "write e.g. 16,29,52,96,129,158,172,183,189,200");
            }
        }
        return out;
    }

    static void print(GenerateResult r, PrintStream o) {
        o.printf("%-24s %-10s %12s %7s %8s %9s  %s%n", "clip", "status", "seed", "frames", "seconds", "took (s)", "file");
        for (GenerateResult.Item i : r.items()) {
            o.printf(Locale.ROOT, "%-24s %-10s %12s %7s %8s %9s  %s%n", i.name(), i.status(),
                    i.seed() == null ? "" : i.seed(), i.frames() == null ? "" : i.frames(),
                    i.audioSeconds() == null ? "" : String.format(Locale.ROOT, "%.2f", i.audioSeconds()),
                    i.generationSeconds() == null ? "" : String.format(Locale.ROOT, "%.1f", i.generationSeconds()),
                    i.message() != null && i.status().equals("failed") ? i.message() : i.audio());
        }
        o.printf(Locale.ROOT, "%n%d clip(s) in %.1f s on %s (%s) with %s%s.%n", r.items().size(), r.seconds(), r.device(),
                r.dtype(), r.model(), r.lora() == null ? "" : String.format(Locale.ROOT, " + LoRA %s (%s, scale %.3g → %.3g)",
                        r.lora().source(), r.lora().format(), r.lora().scale(), r.lora().effectiveScale()));
    }
}
