package dev.lofilora.dataset.curate;

import dev.lofilora.common.LofiException;
import dev.lofilora.dataset.sources.LicensePolicy;
import dev.lofilora.dataset.sources.SourcesFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lofi sources check}: validates a {@code sources.json} the way {@code process} will use it, without
 * decoding anything: schema errors (every one, with its line), entry problems (duplicates, colliding names, paths
 * leaving the raw folder), licences the config does not allow, and, when the raw folder exists, entries whose file
 * is missing and audio files that no entry lists.
 */
public final class SourcesCheck {
    /**
     * @param sourcesFile the file checked
     * @param tracks      entries in it (0 when it does not parse)
     * @param problems    every problem, one sentence each
     */
    public record Result(Path sourcesFile, int tracks, List<String> problems) {
        public boolean ok() { return problems.isEmpty(); }
    }

    private SourcesCheck() {}

    /**
     * @param rawDir the raw folder the entries refer to, or null to skip the file checks
     * @throws LofiException (exit code 2) when the file does not exist
     */
    public static Result check(Path sourcesFile, Path rawDir, LicensePolicy licenses) throws IOException {
        if (!Files.isRegularFile(sourcesFile)) {
            throw new LofiException(sourcesFile, "does not exist", "write one with lofi sources init <raw-dir>");
        }
        List<String> problems = new ArrayList<>();
        SourcesFile sources;
        try {
            sources = SourcesFile.load(sourcesFile);
        } catch (LofiException e) {
            for (String line : e.problem().split("\n")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.endsWith("schema:")) problems.add(l);
            }
            return new Result(sourcesFile, 0, problems);
        }
        boolean files = rawDir != null && Files.isDirectory(rawDir);
        for (SourcesFile.Entry e : sources.entries()) {
            String where = "tracks[" + e.index() + "] (line " + e.line() + ", \"" + e.track().file() + "\"): ";
            for (String p : e.problems()) problems.add(where + p);
            licenses.rejectionReason(e.track().license()).ifPresent(r -> problems.add(where + r));
            if (files && SourcesFile.escapeProblem(e.track().file()) == null
                    && !Files.exists(ProcessItems.input(rawDir, e))) {
                problems.add(where + "the file is not in " + rawDir);
            }
        }
        if (files) {
            for (String f : ProcessItems.unlistedAudioFiles(rawDir, sources, rawDir.resolve(".lofi-none"))) {
                problems.add(f + ": audio file in " + rawDir + " without an entry (process rejects it: no licence entry)");
            }
        }
        return new Result(sourcesFile, sources.entries().size(), problems);
    }
}
