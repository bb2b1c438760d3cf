package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.lora.MergeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lofi merge}: a checkpoint folder with a LoRA folded into the transformer (docs/cli.md). */
@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Fold a LoRA into an ACE-Step v1 checkpoint: W + scale·B·A computed in float32 and stored in the base's dtype, in a complete checkpoint folder laid out exactly as the base (same files, shards, index and tensor order), which ACE-Step's own pipeline and lofi load like the original. The other components are hard-linked (or copied). Streams tensor by tensor; nothing is written until the adapter is checked against the model.",
                "",
                "Exit codes: 0 merged; 2 bad model folder, adapter (format, targets, shapes) or --out; 3 internal error."
        })
public final class MergeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "<dir>", description = "The base ACE-Step v1 checkpoint folder.")
    Path model;

    @Option(names = "--lora", required = true, paramLabel = "<file|dir>",
            description = "The adapter: a lofi train run folder (its newest checkpoint), a checkpoint folder (PEFT), adapter_model.safetensors, a lofi export-lora file or pytorch_lora_weights.safetensors (ACE-Step).")
    Path lora;

    @Option(names = "--scale", paramLabel = "<s>", defaultValue = "1.0",
            description = "LoRA strength as lofi generate --lora-scale: 1.0 = as trained (default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--acestep-lora-scale", description = "Apply --scale as ACE-Step's own loader does (alpha ignored).")
    boolean acestepLoraScale;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "The merged checkpoint folder to create.")
    Path out;

    @Option(names = "--copy", description = "Copy the other components instead of hard-linking them.")
    boolean copy;

    @Option(names = "--force", description = "Replace --out when it exists.")
    boolean force;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        MergeJob.Result r = new MergeJob(new MergeJob.Config(model, lora, scale, acestepLoraScale, out, copy, force))
                .run(ConsoleProgress.create(common));
        PrintWriter o = spec.commandLine().getOut();
        if (common.json) o.println(Json.toString(r));
        else o.printf(Locale.ROOT, "merged %s (%s, %d layers, scale %.4g → %.4g) into %s: rewrote %s; %d files linked, %d copied (%.1f s)%n",
                r.lora(), r.loraFormat(), r.layersMerged(), r.scale(), r.effectiveScale(), r.out(),
                r.transformerFiles().isEmpty() ? "nothing (scale 0)" : String.join(", ", r.transformerFiles()),
                r.linkedFiles(), r.copiedFiles(), r.seconds());
        o.flush();
        return ExitCodes.OK;
    }
}
