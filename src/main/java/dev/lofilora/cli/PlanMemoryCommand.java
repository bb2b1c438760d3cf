package dev.lofilora.cli;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.train.MemoryPlanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lofi plan-memory}: the memory of a training step, planned from the config (docs/cli.md). */
@Command(name = "plan-memory", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Plan the memory of one training step from the config alone (nothing is loaded): base weights, LoRA weights, gradients, AdamW state, activations with or without gradient checkpointing, temporaries, and the peak on the CPU and on a GPU.",
                "",
                "Exit codes: 0 planned; 2 bad model or option; 3 internal error."
        })
public final class PlanMemoryCommand implements Callable<Integer> {
    /** The released transformer's config, shipped for planning (config/acestep_v1_transformer.json). */
    static final String RELEASED = "acestep-v1";

    @Option(names = "--model", paramLabel = "<dir|tiny|acestep-v1>", defaultValue = RELEASED,
            description = "A transformer folder's config, 'tiny', or 'acestep-v1' (the released 3.5B config) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--seconds", paramLabel = "<s>", defaultValue = "240",
            description = "Audio length per item; 240 s = 2584 latent frames (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rank", paramLabel = "<r>", description = "LoRA rank (default: the lora section's r, 256).")
    Integer rank;

    @Option(names = "--batch", paramLabel = "<n>", defaultValue = "1", description = "Items per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--precision", paramLabel = "<bf16|fp32>", defaultValue = "bf16",
            description = "Base weight precision; LoRA, gradients and AdamW are fp32 (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--no-checkpointing", description = "Plan without gradient checkpointing.")
    boolean noCheckpointing;

    @Option(names = "--text-tokens", paramLabel = "<n>", defaultValue = "64", description = "Prompt tokens (default: ${DEFAULT-VALUE}).")
    int textTokens;

    @Option(names = "--lyric-tokens", paramLabel = "<n>", defaultValue = "64", description = "Lyric tokens (default: ${DEFAULT-VALUE}).")
    int lyricTokens;

    @Option(names = "--repa", description = "Include the REPA projectors' activations (caches with SSL features).")
    boolean repa;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConfigFiles configs = common.config();
        if (!precision.equals("bf16") && !precision.equals("fp32")) {
            throw new dev.lofilora.common.LofiException("--precision must be bf16 or fp32, not " + precision, "");
        }
        AceStepConfig c = model.equals(RELEASED)
                ? AceStepConfig.parse(configs.readJson("acestep_v1_transformer.json"), configs.describe("acestep_v1_transformer.json"))
                : TinyPreset.isTiny(model) ? TinyPreset.load(configs).transformerConfig()
                : AceStepConfig.read(Path.of(model).resolve("config.json"));
        LoraConfig lora = LoraConfig.read(configs);
        if (rank != null) lora = lora.withRank(rank, lora.alpha());
        MemoryPlanner.Plan p = MemoryPlanner.plan(new MemoryPlanner.Config(c, lora, batch,
                MemoryPlanner.Config.framesFor(seconds), textTokens, lyricTokens, precision, !noCheckpointing, repa));
        PrintWriter o = spec.commandLine().getOut();
        if (common.json) o.println(Json.toString(toJson(p)));
        else render(p, o);
        o.flush();
        return ExitCodes.OK;
    }

    static Map<String, Object> toJson(MemoryPlanner.Plan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames", p.config().frames());
        m.put("batch", p.config().batch());
        m.put("rank", p.config().lora().r());
        m.put("precision", p.config().precision());
        m.put("checkpointing", p.config().checkpointing());
        m.put("base_parameters", p.baseParameters());
        m.put("lora_parameters", p.loraParameters());
        m.put("lora_layers", p.loraLayers());
        m.put("parts_bytes", p.parts());
        m.put("activations_bytes", p.activations());
        m.put("temporaries_bytes", p.temporaries());
        m.put("training_peak_bytes", p.trainingPeak());
        m.put("cpu_peak_bytes", p.cpuPeak());
        m.put("gpu_peak_bytes", p.gpuPeak());
        m.put("fits_24gb", p.gpuPeak() <= 24L * 1_000_000_000L);
        m.put("within_16gb_goal", p.gpuPeak() <= 16L * 1_000_000_000L);
        return m;
    }

    static void render(MemoryPlanner.Plan p, PrintWriter o) {
        MemoryPlanner.Config c = p.config();
        o.printf(Locale.ROOT, "%d frames × batch %d, rank %d, %s base, %s%n", c.frames(), c.batch(), c.lora().r(),
                c.precision(), c.checkpointing() ? "gradient checkpointing" : "no checkpointing");
        o.printf(Locale.ROOT, "parameters: base %,d; LoRA %,d in %d layers%n", p.baseParameters(), p.loraParameters(),
                p.loraLayers());
        p.parts().forEach((k, v) -> o.printf(Locale.ROOT, "  %-44s %9.2f GB%n", k, v / 1e9));
        o.printf(Locale.ROOT, "  %-44s %9.2f GB%n", "peak, CPU", p.cpuPeak() / 1e9);
        o.printf(Locale.ROOT, "  %-44s %9.2f GB  (%s 24 GB; goal ≤ 16 GB %s)%n", "peak, GPU (+10 % allocator, +0.7 GB CUDA)",
                p.gpuPeak() / 1e9, p.gpuPeak() <= 24e9 ? "fits" : "does NOT fit", p.gpuPeak() <= 16e9 ? "met" : "not met");
    }
}
