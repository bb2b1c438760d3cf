package dev.lofilora.dataset.curate;

import dev.lofilora.audio.Parallel;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.Resampler;
import dev.lofilora.audio.qc.QualityChecks;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.sources.LicensePolicy;
import dev.lofilora.dataset.sources.SourcesFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code lofi process}: takes every track listed in sources.json from the raw folder to a loudness-normalised
 * 48 kHz stereo 24-bit file under {@code <out>/<category>/}, and writes {@code <metadata>/qc_report.json}.
 *
 * <p>Per file (in parallel, one file per worker, so peak memory is about threads × one decoded track; a file's
 * stages also split across idle workers, with the same bytes as on one thread): entry and
 * licence checks, sha256 of the input, decode, quality checks at the source rate, stereo + resample, optional silence
 * trim, loudness, gain to the target, true-peak limit or reject, atomic write, decode back and re-measure. A file
 * whose output exists for the same input sha256 and config hash is skipped (state in {@code <metadata>/process_state/},
 * one JSON per track, written atomically after each file, so an interrupted run resumes). The raw folder is only
 * read. A bad file gets a status and reasons in the report; the run goes on.
 *
 * <p>Throws {@link LofiException} (exit code 2) only for problems with the run as a whole: a missing raw folder, a
 * missing or invalid sources.json.
 */
public final class ProcessJob {
    /** Changes whenever the pipeline changes what it writes; part of the config hash, so old outputs are redone. */
    public static final String PIPELINE_VERSION = "process/2";
    public static final String LOFI_VERSION = "0.1.0";
    /** File name endings treated as audio when looking for raw files without a sources.json entry. */
    public static final Set<String> AUDIO_EXTENSIONS = Set.of("mp3", "flac", "wav", "wave", "aif", "aiff", "ogg", "oga",
            "opus", "m4a", "mp4", "aac", "wma", "ape", "wv", "mka", "webm", "caf", "ac3", "alac");

    private final ProcessConfig config;
    private final InputOpener opener;

    public ProcessJob(ProcessConfig config) {
        this(config, InputOpener.FILES);
    }

    ProcessJob(ProcessConfig config, InputOpener opener) {
        this.config = config;
        this.opener = opener;
    }

    /** One unit of work: a sources.json entry, or a raw file nobody listed. */
    private record Item(SourcesFile.Entry entry, String unlistedFile) {}

    /** Runs the job, writes the report, and returns it. Progress: one stage "process", one unit per file. */
    public ProcessResult run(ProgressListener progress) throws IOException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Path raw = config.rawDir();
        if (!Files.isDirectory(raw)) {
            throw new LofiException(raw, "is not a folder", "pass the folder that holds your source audio (e.g. data/raw)");
        }
        SourcesFile sources = SourcesFile.load(config.sourcesFile());
        List<Item> items = new ArrayList<>();
        for (SourcesFile.Entry e : sources.entries()) items.add(new Item(e, null));
        for (String f : unlistedAudioFiles(raw, sources, config.outDir())) items.add(new Item(null, f));

        ProcessSettings s = config.settings();
        Resampler resampler = Resampler.highQuality();
        String configHash = configHash(s, resampler);
        TrackProcessor processor = new TrackProcessor(s, new QualityChecks(config.qc()), resampler, opener);
        int threads = Math.max(1, s.effectiveThreads());

        progress.start("process", items.size());
        List<FileReport> reports = new ArrayList<>();
        // One fork/join pool for the files and for the parts a file's stages split into (Parallel): with fewer files
        // than threads, or at the end of a run, idle workers take over parts of the files still running.
        ForkJoinPool pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("lofi-process-" + THREAD_IDS.incrementAndGet());
            return t;
        }, null, false);
        Parallel parallel = threads > 1 ? new Parallel(threads, pool) : Parallel.SERIAL;
        try {
            List<Future<FileReport>> futures = new ArrayList<>();
            for (Item item : items) {
                futures.add(pool.submit(() -> {
                    FileReport r = processItem(item, processor, configHash, parallel);
                    progress.advance(1, r.name() != null ? r.name() : r.file());
                    return r;
                }));
            }
            for (Future<FileReport> f : futures) reports.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a worker failed outside its error handling", e.getCause());
        } finally {
            pool.shutdownNow();
            progress.finish();
        }

        ProcessResult.RunInfo run = new ProcessResult.RunInfo(started.toString(), (System.nanoTime() - t0) / 1e9,
                raw.toAbsolutePath().toString(), config.outDir().toAbsolutePath().toString(),
                config.sourcesFile().toAbsolutePath().toString(), config.reportFile().toAbsolutePath().toString(), threads,
                s, config.qc(), resampler.engine(), AudioDecoder.ffmpegVersion(), LOFI_VERSION, configHash);
        ProcessResult result = new ProcessResult(run, ProcessResult.Totals.of(reports), reports);
        Json.write(config.reportFile(), result);
        return result;
    }

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private FileReport processItem(Item item, TrackProcessor processor, String configHash, Parallel parallel) {
        TrackProcessor.Work w = new TrackProcessor.Work();
        Path raw = config.rawDir();
        if (item.entry == null) {
            w.file = item.unlistedFile;
            w.input = raw.resolve(item.unlistedFile).toAbsolutePath().toString();
            w.reject("no licence entry: the file is in the raw folder but not in " + config.sourcesFile().getFileName()
                    + "; add an entry with its licence (docs/sources-schema.md) to process it");
            return w.toReport();
        }
        var t = item.entry.track();
        w.file = t.file();
        w.name = t.outputName();
        w.category = t.category();
        w.license = t.license();
        ProcessState.Entry previous = ProcessState.read(config.stateDir(), w.name);
        Path out = config.outDir().resolve(t.category()).resolve(w.name + config.settings().outputFormat().extension())
                .toAbsolutePath();
        try {
            for (String p : item.entry.problems()) w.reject("sources.json tracks[" + item.entry.index() + "] (line "
                    + item.entry.line() + "): " + p);
            Optional<String> licence = config.settings().licenses().rejectionReason(t.license());
            licence.ifPresent(w::reject);
            if (w.status == FileStatus.REJECTED) return finish(w, previous, configHash);

            Path in = raw.resolve(t.file().replace('\\', '/')).normalize();
            w.input = in.toAbsolutePath().toString();
            try {
                AudioDecoder.checkReadable(in);
            } catch (LofiException e) {
                if (e.problem().equals("does not exist")) w.reject("file not found: " + in + " (check \"file\" in sources.json)");
                else w.fail(e.getMessage());
                return finish(w, previous, configHash);
            }
            try {
                w.sha256 = processor.sha256(in, w);
            } catch (IOException e) {
                w.fail(in + ": cannot be read: " + e.getMessage() + " (check the file and the disk)");
                return finish(w, previous, configHash);
            }
            if (previous != null && previous.matches(w.sha256, configHash, out)) {
                return previous.report().asResumed(w.file, w.input, w.license);
            }
            processor.process(in, out, w, parallel);
        } catch (LofiException e) {
            w.fail(e.getMessage());
        } catch (IOException e) {
            w.fail("I/O error: " + e);
        } catch (RuntimeException | OutOfMemoryError e) {
            w.fail("internal error while processing " + w.input + ": " + e);
        }
        return finish(w, previous, configHash);
    }

    /**
     * Records the outcome: an accepted file gets its resume state; a file that is not accepted loses any output an
     * earlier run wrote for it, so the processed folder only ever holds files that pass today's policy.
     */
    private FileReport finish(TrackProcessor.Work w, ProcessState.Entry previous, String configHash) {
        if (w.name == null) return w.toReport();
        try {
            if (w.status.accepted()) {
                FileReport r = w.toReport();
                if (previous != null && !previous.output().equals(w.output)) Files.deleteIfExists(Path.of(previous.output()));
                ProcessState.write(config.stateDir(), w.name, new ProcessState.Entry(w.sha256, configHash, w.output,
                        w.outputBytes, r));
                return r;
            }
            if (w.output != null) Files.deleteIfExists(Path.of(w.output));
            if (previous != null) {
                if (Files.deleteIfExists(Path.of(previous.output()))) {
                    w.reasons.add("removed the output of an earlier run: " + previous.output());
                }
                ProcessState.delete(config.stateDir(), w.name);
            }
        } catch (IOException e) {
            w.warn("could not update the resume state: " + e.getMessage());
        }
        return w.toReport();
    }

    /**
     * Audio files under {@code raw} (hidden ones and the output folder skipped) that no entry lists, as paths relative
     * to {@code raw}.
     */
    private static List<String> unlistedAudioFiles(Path raw, SourcesFile sources, Path outDir) throws IOException {
        Path ownOutputs = outDir.toAbsolutePath().normalize(); // should --out lie inside the raw folder
        Set<String> listed = new HashSet<>();
        for (SourcesFile.Entry e : sources.entries()) {
            listed.add(Path.of(e.track().file().replace('\\', '/')).normalize().toString());
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(raw)) {
            walk.filter(p -> !p.equals(raw))
                    .filter(p -> !p.toAbsolutePath().normalize().startsWith(ownOutputs))
                    .filter(p -> !Files.isDirectory(p))
                    .forEach(p -> {
                        Path rel = raw.relativize(p);
                        for (Path part : rel) if (part.toString().startsWith(".")) return;
                        String name = p.getFileName().toString();
                        int dot = name.lastIndexOf('.');
                        if (dot < 0 || !AUDIO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) return;
                        String r = rel.normalize().toString();
                        if (!listed.contains(r)) out.add(r);
                    });
        }
        out.sort(String::compareTo);
        return out;
    }

    /**
     * Hash of everything that changes an output: the pipeline version, the settings (threads and licences do not
     * change a written file; licences are checked on every run anyway), the QC thresholds and the resampler.
     */
    private String configHash(ProcessSettings s, Resampler resampler) {
        String canonical = PIPELINE_VERSION + "\n" + Json.toString(s.withThreads(0).withLicenses(LicensePolicy.defaults()))
                + "\n" + Json.toString(config.qc()) + "\n" + resampler.engine();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
