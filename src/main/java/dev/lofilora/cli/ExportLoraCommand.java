package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.lora.ExportLoraJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lofi export-lora}: an adapter for ACE-Step's own pipeline, scale baked in (docs/cli.md). */
@Command(name = "export-lora", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Write pytorch_lora_weights.safetensors for ACE-Step's load_lora (which ignores alpha) from a training checkpoint, a run folder (its newest checkpoint) or another adapter file. The training scale (alpha/sqrt(r) = 2.0 for the released config) is multiplied into lora_B and recorded as lofi.scale_baked, so ACE-Step at lora_weight 1.0 and lofi's own loader apply it exactly once.",
                "",
                "Exit codes: 0 written; 2 bad source or --out; 3 internal error."
        })
public final class ExportLoraCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<checkpoint|run|adapter>",
            description = "runs/<name>/checkpoints/step-N, runs/<name>, or a LoRA file/folder (PEFT, ACE-Step/diffusers).")
    Path source;

    @Option(names = "--out", required = true, paramLabel = "<dir|file.safetensors>",
            description = "Folder for pytorch_lora_weights.safetensors, or the file to write.")
    Path out;

    @Option(names = "--scale", paramLabel = "<x>",
            description = "Scale to bake instead of the source's own (PEFT: alpha/sqrt(r) with rsLoRA, else alpha/r; ACE-Step files: 1.0).")
    Double scale;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ExportLoraJob.Result r = new ExportLoraJob(new ExportLoraJob.Config(source, out, scale)).run();
        PrintWriter o = spec.commandLine().getOut();
        if (common.json) o.println(Json.toString(r));
        else o.printf(Locale.ROOT, "wrote %s: %d layers, rank %d, scale %.6g baked into lora_B (from %s, %s)%n",
                r.file(), r.layers(), r.rank(), r.scaleBaked(), r.source(), r.sourceFormat());
        o.flush();
        return ExitCodes.OK;
    }
}
