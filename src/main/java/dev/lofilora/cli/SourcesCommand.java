package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.dataset.curate.ProcessSettings;
import dev.lofilora.dataset.curate.SourcesCheck;
import dev.lofilora.dataset.curate.SourcesInit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lofi sources init|check}: write a skeleton sources.json for a raw folder, or validate one. */
@Command(name = "sources", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a skeleton sources.json for every audio file of a raw folder (init), or validate one (check)."},
        subcommands = {SourcesCommand.Init.class, SourcesCommand.Check.class})
final class SourcesCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                    "Writes <metadata>/sources.json with one entry per audio file under <raw-dir>: title and artist from the file's tags where present, licence and evidence from the options, tier from the first sub-folder. Fields it cannot know are left empty for you to fill in (lofi sources check lists them). Refuses to overwrite an existing file without --force (which keeps the old one as sources.json.bak).",
                    "",
                    "Exit codes: 0 written; 2 usage error (file exists, no raw folder); 3 internal error."
            })
    static final class Init implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<raw-dir>", description = "Folder with the source audio.")
        Path rawDir;

        @Option(names = "--metadata", paramLabel = "<dir>", defaultValue = "data/metadata",
                description = "Folder to write sources.json into (default: ${DEFAULT-VALUE}).")
        Path metadata;

        @Option(names = "--sources", paramLabel = "<file>", description = "Write this file instead of <metadata>/sources.json.")
        Path sources;

        @Option(names = "--license", paramLabel = "<id>", description = "Licence id of every track, e.g. CC-BY-4.0 or own-work (default: left empty).")
        String license;

        @Option(names = "--evidence", paramLabel = "<text>", description = "Where the licence is stated (URL, contract) for every track (default: left empty).")
        String evidence;

        @Option(names = "--artist", paramLabel = "<name>", description = "Artist of tracks without an artist tag (default: left empty).")
        String artist;

        @Option(names = "--category", paramLabel = "<name>", defaultValue = "main",
                description = "Output category (sub-folder of the processed folder) of every track (default: ${DEFAULT-VALUE}).")
        String category;

        @Option(names = "--force", description = "Replace an existing sources.json (kept as sources.json.bak).")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Path file = sources != null ? sources : metadata.resolve("sources.json");
            SourcesInit.Result r = new SourcesInit(new SourcesInit.Config(rawDir, file, license, evidence, artist,
                    category, force)).run(ConsoleProgress.create(common));
            PrintWriter w = spec.commandLine().getOut();
            if (common.json) {
                w.println(Json.toString(r));
            } else {
                w.printf("wrote %s: %d tracks (%d titles and %d artists from tags)%n", r.sourcesFile(), r.tracks(),
                        r.titlesFromTags(), r.artistsFromTags());
                if (r.backup() != null) w.println("the earlier file is kept as " + r.backup());
                for (String s : r.skipped()) w.println("skipped (not readable audio): " + s);
                if (!r.toFill().isEmpty()) {
                    StringBuilder b = new StringBuilder("still to fill in:");
                    r.toFill().forEach((k, v) -> b.append(' ').append(k).append(" (").append(v).append(" tracks),"));
                    b.setLength(b.length() - 1);
                    w.println(b + "; then run lofi sources check");
                }
            }
            w.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                    "Validates a sources.json as lofi process will use it: schema, duplicates, colliding names, licences the config does not allow, files missing from the raw folder and audio files without an entry. Decodes nothing.",
                    "",
                    "Exit codes: 0 no problems; 1 problems found (listed); 2 the file does not exist or bad options."
            })
    static final class Check implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Spec CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "<sources.json>",
                description = "The file to check (default: <metadata>/sources.json).")
        Path file;

        @Option(names = "--metadata", paramLabel = "<dir>", defaultValue = "data/metadata",
                description = "Folder of sources.json (default: ${DEFAULT-VALUE}).")
        Path metadata;

        @Option(names = "--raw", paramLabel = "<dir>", defaultValue = "data/raw",
                description = "Raw folder the entries refer to; skipped when it does not exist (default: ${DEFAULT-VALUE}).")
        Path raw;

        @Override
        public Integer call() throws Exception {
            Path f = file != null ? file : metadata.resolve("sources.json");
            SourcesCheck.Result r = SourcesCheck.check(f, raw, ProcessSettings.load(common.config()).licenses());
            PrintWriter w = spec.commandLine().getOut();
            if (common.json) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("file", r.sourcesFile().toString());
                m.put("tracks", r.tracks());
                m.put("problems", r.problems());
                m.put("ok", r.ok());
                w.println(Json.toString(m));
            } else {
                w.printf("%s: %d tracks, %s%n", r.sourcesFile(), r.tracks(),
                        r.ok() ? "no problems" : r.problems().size() + " problems:");
                for (String p : r.problems()) w.println("  - " + p);
            }
            w.flush();
            return r.ok() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
        }
    }
}
