package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.metrics.validate.CheckpointAudio;
import dev.lofilora.metrics.validate.ValidateConfig;
import dev.lofilora.metrics.validate.ValidateJob;
import dev.lofilora.metrics.validate.ValidateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lofi validate}: FAD and CLAP score of generated audio per checkpoint, with the gates ({@link ValidateJob}). */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Scores generated audio, one folder per checkpoint (given, or generated first from a training run's checkpoints with --run), against the held-out real tracks: VGGish FAD against the reference set and the CLAP score of each clip against its own prompt (paired by id), the real tracks' own CLAP score under the same pipeline, and the gates of config/validation.json (FAD < fad_max; CLAP >= clap_relative_min x the real tracks' score, or an absolute threshold). Writes validation_report.json and validation_report.html with plots to --out. Resumable.",
                "",
                "Exit codes: 0 the best checkpoint passes every gate; 1 it fails one; 2 bad input (folders, prompts, weights, config); 3 internal error."
        })
public final class ValidateCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "<generated-dir>",
            description = "Folders of generated clips, one per checkpoint (<id>.wav with <id>_prompt.txt, or a prompts.json). The folder name is the checkpoint's label; a step in it (step-000500) places it on the step axis.")
    List<Path> generated = List.of();

    @Option(names = "--reference", paramLabel = "<dir>", defaultValue = "data/validation",
            description = "The held-out real tracks with their prompts (lofi dataset's validation folder) (default: ${DEFAULT-VALUE}).")
    Path reference;

    @Option(names = "--vggish", paramLabel = "<weights>", required = true,
            description = "VGGish weights: torchvggish's vggish-10086976.pth (read without Python), a safetensors file with its keys, or 'tiny'.")
    String vggish;

    @Option(names = "--clap", paramLabel = "<weights>", required = true,
            description = "LAION-CLAP weights: a non-fusion checkpoint such as music_audioset_epoch_15_esc_90.14.pt (HTSAT-base), its safetensors conversion, or 'tiny'.")
    String clap;

    @Option(names = "--clap-tokenizer", paramLabel = "<tokenizer.json>",
            description = "roberta-base's tokenizer.json (default: tokenizer.json beside the CLAP weights).")
    Path clapTokenizer;

    @Option(names = "--seconds", paramLabel = "<s>",
            description = "Clip length scored and, with --run, generated (default: seconds of config/validation.json, 30).")
    Double seconds;

    @Option(names = "--out", paramLabel = "<dir>", defaultValue = "validation_report",
            description = "Where the reports, plots, caches and per-checkpoint results go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--device", paramLabel = "<device>", defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--run", paramLabel = "<run-dir>",
            description = "Generate first: render the seeded validation prompt set (--clips-per-style prompts per style of --reference) with each chosen checkpoint of this lofi train run as the LoRA, into <out>/generated/<step-NNNNNN>/, then score those folders. Resumable: clips made for the same adapter file and settings are not generated again.")
    Path run;

    @Option(names = "--checkpoints", paramLabel = "all|last|N[,N...]",
            description = "With --run: which checkpoints: all, the last, or steps (500 or 500,1000) (default: all).")
    String checkpoints;

    @Option(names = "--model", paramLabel = "<model>",
            description = "With --run: the base model, tiny or an ACE-Step v1 checkpoint folder (default: the one the run trained on, from its run.json).")
    String model;

    @Option(names = "--clips-per-style", paramLabel = "<K>",
            description = "With --run: prompts per style of the validation split (default: generation.clips_per_style of config/validation.json, 4).")
    Integer clipsPerStyle;

    @Option(names = "--steps", paramLabel = "<n>",
            description = "With --run: sampling steps (default: generation.infer_steps of config/validation.json, 60; Euler, APG 15, as ACE-Step).")
    Integer steps;

    @Override
    public Integer call() {
        if (run == null && (checkpoints != null || model != null || clipsPerStyle != null || steps != null)) {
            throw new LofiException("--checkpoints, --model, --clips-per-style and --steps go with --run",
                    "add --run runs/<name>, or drop them to score folders of generated audio");
        }
        if (run != null && !generated.isEmpty()) {
            throw new LofiException("both --run and folders of generated audio were given",
                    "either generate from a run (--run) or score folders, not both");
        }
        if (run == null && generated.isEmpty()) {
            throw new LofiException("no folders of generated audio given and no --run", "pass one folder per checkpoint, "
                    + "e.g. lofi validate gen/step-001000 gen/step-002000 --reference data/validation --vggish tiny "
                    + "--clap tiny, or generate from a run: lofi validate --run runs/<name> ...");
        }
        ValidateConfig.RunSource source = run == null ? null
                : new ValidateConfig.RunSource(run, checkpoints, model, clipsPerStyle, steps);
        ValidateResult r = ValidateJob.run(new ValidateConfig(reference, CheckpointAudio.of(generated), vggish, clap,
                clapTokenizer, out, seconds, device, common.config(), source), ConsoleProgress.create(common));
        PrintWriter w = spec.commandLine().getOut();
        if (common.json) {
            w.println(Json.toString(r));
        } else {
            render(r, w);
        }
        w.flush();
        return r.passed() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }

    static void render(ValidateResult r, PrintWriter w) {
        ValidateResult.Reference ref = r.reference();
        w.printf(Locale.ROOT, "reference: %d tracks, %d segments of %.1f s, %d VGGish frames; own CLAP score %.3f%n",
                ref.tracks(), ref.segments(), ref.segmentSeconds(), ref.frames(), ref.clapScore());
        w.printf(Locale.ROOT, "gates:     FAD < %.2f; %s%n", r.gates().fadMax(), r.gates().clapText());
        if (r.run() != null) {
            for (ValidateResult.Generation g : r.run().checkpoints()) {
                w.printf(Locale.ROOT, "generated: %-24s %d new, %d already there (%.1f s) -> %s%n", g.label(),
                        g.generated(), g.unchanged(), g.seconds(), g.dir());
            }
        }
        w.printf("%-24s %8s %6s %7s %9s %9s %7s %7s  %s%n", "checkpoint", "step", "clips", "frames", "FAD", "FAD-inf",
                "CLAP", "÷real", "gates");
        for (ValidateResult.CheckpointResult c : r.checkpoints()) {
            w.printf(Locale.ROOT, "%-24s %8s %6d %7d %9.3f %9s %7.3f %7s  %s%s%s%n", c.label(),
                    c.step() == null ? "-" : c.step().toString(), c.clips(), c.frames(), c.fad(),
                    c.fadInf() == null ? "-" : String.format(Locale.ROOT, "%.3f", c.fadInf().value()), c.clapScore(),
                    c.clapRelative() == null ? "-" : String.format(Locale.ROOT, "%.2f", c.clapRelative()),
                    c.fadPass() ? "FAD ok" : "FAD FAIL", c.clapPass() ? ", CLAP ok" : ", CLAP FAIL",
                    c.resumed() ? " (resumed)" : "");
        }
        r.warnings().forEach(x -> w.println("warning: " + x));
        r.checkpoints().forEach(c -> c.warnings().forEach(x -> w.println("warning: " + c.label() + ": " + x)));
        w.println("best: " + r.best() + (r.passed() ? " (passes every gate)" : " (FAILS a gate)"));
        w.println("report: " + r.reportHtml());
    }
}
