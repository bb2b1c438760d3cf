package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.dataset.prompts.StyleAssignment;
import dev.lofilora.dataset.prompts.StyleMappingFile;
import dev.lofilora.demo.Demo;
import dev.lofilora.demo.DemoConfig;
import dev.lofilora.demo.DemoResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lofi demo}: the pipeline on synthesised lofi clips (the embedded default). */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs the pipeline on the embedded default: synthesises lofi clips of several style presets (own work), writes their sources.json, then runs process -> prompts -> dataset -> preprocess -> train (--model tiny, a short run) on them and ends with a short clip from generate --model tiny with the adapter it trained. Re-running with the same settings resumes; a folder holding a demo made with other settings is refused before anything is changed (or started over with --clean).",
                "",
                "Exit codes: 0 every stage succeeded; 1 some clip failed a stage; 2 usage/config error (also: --out holds a demo made with other settings); 130 interrupted."
        })
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "<dir>", defaultValue = "data/demo",
            description = "Working folder: raw/, metadata/, processed/, final/, validation/, cache/ (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--styles", defaultValue = "6", description = "Style presets to synthesise (default: ${DEFAULT-VALUE}).")
    int styles;

    @Option(names = "--clips-per-style", defaultValue = "2", description = "Clips per style (default: ${DEFAULT-VALUE}).")
    int clipsPerStyle;

    @Option(names = "--seconds", defaultValue = "20", description = "Length of each clip in seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the styles, clips, prompts and split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--unlabelled", defaultValue = "2",
            description = "Clips left without a style in sources.json, so prompts guesses it from tempo/key (default: ${DEFAULT-VALUE}).")
    int unlabelled;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads; 0 = all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--clean",
            description = "When --out holds a demo made with other settings (another --seed, ...), delete its raw/, metadata/, processed/, final/ and validation/ and start over; without it such a run stops (exit 2) and changes nothing.")
    boolean clean;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        if (styles < 1 || clipsPerStyle < 1 || seconds < 5 || seconds > 600 || unlabelled < 0 || threads < 0) {
            throw new dev.lofilora.common.LofiException("--styles and --clips-per-style must be >= 1, --seconds in [5, 600], "
                    + "--unlabelled and --threads >= 0", "see lofi demo --help");
        }
        DemoConfig config = new DemoConfig(out, styles, clipsPerStyle, seconds, seed, unlabelled, threads, common.config(),
                clean);
        DemoResult r = new Demo(config).run(ConsoleProgress.create(common));
        if (common.json) System.out.println(Json.toString(r));
        else print(r, System.out);
        return r.process().allAccepted() && r.preprocess().allCached() && r.train().completed()
                && r.generate().allDone() ? ExitCodes.OK
                : ExitCodes.ITEMS_FAILED;
    }

    private static void print(DemoResult r, PrintStream o) {
        o.println("== 1. synthesised " + r.clips().size() + " clips (own work) in " + r.workDir() + "/raw");
        for (DemoResult.Clip c : r.clips()) {
            o.printf(Locale.ROOT, "  %-36s %-22s %5.0f bpm  %-9s %s%n", c.name(), c.style(), c.bpm(), c.key(),
                    c.labelled() ? "" : "(no style in sources.json)");
        }
        o.println();
        o.println("== 2. process");
        ProcessCommand.printSummary(r.process(), o);
        o.println();
        o.println("== 3. prompts");
        o.printf("%d tracks captioned: %d styles from sources.json, %d guessed from tempo/key%n",
                r.prompts().tracks(), r.prompts().fromSources(), r.prompts().guessed());
        o.println("  wrote " + r.prompts().styleMapping() + " and " + r.prompts().variantsFile());
        var mapping = StyleMappingFile.readIfPresent(r.prompts().styleMapping()).orElse(java.util.Map.of());
        for (DemoResult.Clip c : r.clips()) {
            StyleAssignment a = mapping.get(c.name());
            if (c.labelled() || a == null) continue;
            o.printf(Locale.ROOT, "  %-36s guessed %-20s (analysed %s bpm, %s; synthesised as %s, %.0f bpm, %s)%n",
                    c.name(), a.style(), a.bpm() == null ? "?" : String.format(Locale.ROOT, "%.0f", a.bpm()), a.key(),
                    c.style(), c.bpm(), c.key());
        }
        o.println();
        o.println("== 4. dataset");
        var m = r.dataset().manifest();
        o.printf(Locale.ROOT, "train:      %d tracks, %.3f h -> %s%n", m.train().tracks(), m.train().hours(), r.dataset().outDir());
        o.printf(Locale.ROOT, "validation: %d tracks, %.3f h -> %s%n", m.validation().tracks(), m.validation().hours(),
                r.dataset().validationDir());
        o.println("ACE-Step's trainer reads " + r.dataset().outDir().resolve("hf_dataset"));
        o.println();
        o.println("== 5. preprocess (--model tiny)");
        PreprocessCommand.print(r.preprocess(), o);
        o.println();
        o.println("== 6. train (--model tiny, " + r.train().maxSteps() + " steps)");
        PrintWriter w = new PrintWriter(o, true);
        TrainCommand.render(r.train(), w);
        w.flush();
        o.println();
        o.println("== 7. generate (--model tiny --lora " + r.train().latestCheckpoint()
                + "; seeded random weights: the chain works end to end, it is not music)");
        GenerateCommand.print(r.generate(), o);
    }
}
