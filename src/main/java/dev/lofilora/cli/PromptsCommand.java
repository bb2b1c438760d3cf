package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.dataset.presets.StylePresets;
import dev.lofilora.dataset.prompts.PromptsConfig;
import dev.lofilora.dataset.prompts.PromptsJob;
import dev.lofilora.dataset.prompts.PromptsResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lofi prompts}: style, caption and lyrics files per processed track ({@link PromptsJob}). */
@Command(name = "prompts", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Gives every processed track a style (sources.json \"style\", else the preset nearest to its analysed tempo and key, flagged as a guess) and writes <name>_prompt.txt and <name>_lyrics.txt beside the audio, plus style_mapping.json and prompt_variants.json in the metadata folder."
        })
public final class PromptsCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<processed-dir>",
            description = "The processed folder (<category>/<name>.wav, as lofi process writes it).")
    Path processedDir;

    @Option(names = "--metadata", paramLabel = "<dir>", defaultValue = "data/metadata",
            description = "Folder of sources.json; style_mapping.json and prompt_variants.json are written there (default: ${DEFAULT-VALUE}).")
    Path metadata;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the prompt variants (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--variants", defaultValue = "4", description = "Prompt variants per track (default: ${DEFAULT-VALUE}).")
    int variants;

    @Option(names = "--no-analysis",
            description = "Analyse tempo and key only for tracks without a sources.json style (the others get no bpm/key tags).")
    boolean noAnalysis;

    @Option(names = "--threads", defaultValue = "0",
            description = "Analysis threads, each holding one decoded track; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (threads < 0) {
            throw new dev.lofilora.common.LofiException("--threads must be 0 (all cores) or more, not " + threads, "");
        }
        StylePresets presets = StylePresets.load(common.config());
        PromptsConfig config = PromptsConfig.of(processedDir, metadata)
                .withSeed(seed)
                .withVariants(variants)
                .withAnalyse(!noAnalysis)
                .withThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        PromptsResult r = new PromptsJob(config, presets, ConsoleProgress.create(common)).run();
        PrintWriter w = spec.commandLine().getOut();
        if (common.json) {
            w.println(Json.toString(r));
        } else {
            w.printf("%d tracks captioned: %d styles from sources.json, %d guessed from tempo/key%n",
                    r.tracks(), r.fromSources(), r.guessed());
            r.styles().forEach((s, n) -> w.printf("  %-24s %d%n", s, n));
            if (!r.guessedTracks().isEmpty()) {
                w.println("guessed styles (low confidence; review them in " + r.styleMapping()
                        + " or set \"style\" in sources.json):");
                r.guessedTracks().forEach(k -> w.println("  " + k));
            }
            w.println("wrote " + r.styleMapping() + " and " + r.variantsFile());
            for (String c : r.cleaned()) w.println("removed a temporary file left by an interrupted run: " + c);
            for (String warning : r.warnings()) w.println("note: " + warning);
        }
        w.flush();
        return ExitCodes.OK;
    }
}
