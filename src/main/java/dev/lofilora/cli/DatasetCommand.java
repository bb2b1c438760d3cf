package dev.lofilora.cli;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.dataset.layout.AudioPlacement;
import dev.lofilora.dataset.layout.DatasetCheckReport;
import dev.lofilora.dataset.layout.DatasetChecker;
import dev.lofilora.dataset.layout.DatasetConfig;
import dev.lofilora.dataset.layout.DatasetJob;
import dev.lofilora.dataset.layout.DatasetManifest;
import dev.lofilora.dataset.layout.DatasetResult;
import dev.lofilora.dataset.curate.ProcessSettings;
import dev.lofilora.dataset.sources.LicensePolicy;
import dev.lofilora.dataset.hf.HfDatasetWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lofi dataset}: split + ACE-Step folder layout + HF dataset ({@link DatasetJob}), or {@code --check} a dataset. */
@Command(name = "dataset", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Splits the processed tracks into train and validation (style-stratified, seeded) and writes each in ACE-Step's layout (<key>.wav, <key>_prompt.txt, <key>_lyrics.txt) plus hf_dataset/ (HF save_to_disk: Arrow IPC stream, dataset_info.json, state.json) and manifest.json.",
                "",
                "With --check <dir>: validates an existing dataset folder and lists every problem (exit 1 if any)."
        })
public final class DatasetCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<processed-dir>",
            description = "The processed folder (<category>/<name>.wav with _prompt.txt and _lyrics.txt beside each).")
    Path processedDir;

    @Option(names = "--out", paramLabel = "<dir>", defaultValue = "data/final",
            description = "Training folder to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--validation", paramLabel = "<dir>", defaultValue = "data/validation",
            description = "Validation folder to write (default: ${DEFAULT-VALUE}).")
    Path validation;

    @Option(names = "--metadata", paramLabel = "<dir>", defaultValue = "data/metadata",
            description = "Folder of sources.json and style_mapping.json (default: ${DEFAULT-VALUE}).")
    Path metadata;

    @Option(names = "--split", paramLabel = "<fraction>", defaultValue = "0.1",
            description = "Fraction of each style that goes to validation (default: ${DEFAULT-VALUE}). Every style with 2 or more tracks gives at least 1 track to validation (and keeps at least 1 in train), so on small sets validation can be much larger than this; the run then warns with the counts.")
    double split;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--group-by-artist", description = "Keep all tracks of an artist on one side of the split.")
    boolean groupByArtist;

    @Option(names = "--relative-paths",
            description = "Write hf_dataset filenames relative to the current folder (where the trainer will start) instead of absolute.")
    boolean relativePaths;

    @Option(names = "--repeat", defaultValue = "1",
            description = "Rows per track in the training hf_dataset, like ACE-Step's converter --repeat_count (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--copy-audio", description = "Copy the audio instead of hard-linking it (hard links fall back to copies across file systems).")
    boolean copyAudio;

    @Option(names = "--check", paramLabel = "<dir>",
            description = "Validate the existing dataset folder <dir> instead of building one (exit 1 when problems are found).")
    Path check;

    @Override
    public Integer call() throws Exception {
        LicensePolicy licenses = ProcessSettings.load(common.config()).licenses();
        if (check != null) return check(licenses);
        if (processedDir == null) {
            throw new LofiException("no <processed-dir> given", "run: lofi dataset data/processed (or lofi dataset --check data/final)");
        }
        DatasetConfig config = DatasetConfig.of(processedDir, metadata, out, validation)
                .withSplit(split, seed)
                .withGroupByArtist(groupByArtist)
                .withRelativeTo(relativePaths ? Path.of("") : null)
                .withRepeat(repeat)
                .withPlacement(copyAudio ? AudioPlacement.COPY : AudioPlacement.LINK)
                .withLicenses(licenses)
                .withMaxShardBytes(HfDatasetWriter.DEFAULT_MAX_SHARD_BYTES);
        DatasetResult result = new DatasetJob(config, ConsoleProgress.create(common)).run();
        PrintWriter w = spec.commandLine().getOut();
        if (common.json) {
            w.println(Json.toString(result));
        } else {
            DatasetManifest m = result.manifest();
            w.printf("train:      %d tracks, %.2f h, %d rows → %s%n", m.train().tracks(), m.train().hours(),
                    m.train().rows(), result.outDir());
            w.printf("validation: %d tracks, %.2f h, %d rows → %s%n", m.validation().tracks(), m.validation().hours(),
                    m.validation().rows(), result.validationDir());
            m.train().styles().forEach((style, c) -> w.printf("  %-24s train %3d  validation %3d%n", style, c.tracks(),
                    m.validation().styles().containsKey(style) ? m.validation().styles().get(style).tracks() : 0));
            m.validation().styles().forEach((style, c) -> {
                if (!m.train().styles().containsKey(style)) w.printf("  %-24s train %3d  validation %3d%n", style, 0, c.tracks());
            });
            StringBuilder lic = new StringBuilder();
            m.licenses().forEach((id, n) -> lic.append(lic.length() == 0 ? "" : ", ").append(id).append(" (")
                    .append(n).append(n == 1 ? " track)" : " tracks)"));
            w.println("licences:   " + lic);
            for (String c : result.cleaned()) w.println("removed an unfinished dataset folder of an interrupted run: " + c);
            for (String warning : m.warnings()) w.println("warning: " + warning);
        }
        w.flush();
        return ExitCodes.OK;
    }

    private int check(LicensePolicy licenses) {
        DatasetCheckReport report = new DatasetChecker(metadata.resolve("sources.json"), licenses, Path.of(""))
                .check(check);
        PrintWriter w = spec.commandLine().getOut();
        if (common.json) {
            w.println(Json.toString(report));
        } else {
            w.printf("%s: %d audio files, %d rows, %s%n", report.dir(), report.audioFiles(), report.rows(),
                    report.ok() ? "no problems" : report.problems().size() + " problems:");
            for (String p : report.problems()) w.println("  - " + p);
        }
        w.flush();
        return report.ok() ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }
}
