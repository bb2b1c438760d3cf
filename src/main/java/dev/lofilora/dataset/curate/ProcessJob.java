package dev.lofilora.dataset.curate;

import dev.lofilora.audio.Parallel;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.Resampler;
import dev.lofilora.audio.qc.QualityChecks;
import dev.lofilora.common.FolderLock;
import dev.lofilora.common.Interruption;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.common.StaleFiles;
import dev.lofilora.common.Writable;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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
 * <p>Nothing outside {@code --out} is ever removed, and inside it only files the resume state proves this tool
 * wrote ({@link OutputKeeper}); every removal is reported. Throws {@link LofiException} (exit code 2) only for
 * problems with the run as a whole: a missing raw folder, a missing or invalid sources.json, an output or metadata
 * folder that cannot be written, a metadata folder in use by another run.
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

    /**
     * Runs the job, writes the reports (JSON and HTML), and returns the result. Progress: one stage "process", one
     * unit per file.
     *
     * <p>Before any work: the raw folder, sources.json, and that {@code --out} and {@code --metadata} can be written
     * are checked; the metadata folder is locked ({@link FolderLock}: a second run on it stops with a message naming
     * this one); temporary files a killed run left in either folder are removed (listed in {@code cleaned}).
     */
    public ProcessResult run(ProgressListener progress) throws IOException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Path raw = config.rawDir();
        if (!Files.isDirectory(raw)) {
            throw new LofiException(raw, "is not a folder", "pass the folder that holds your source audio (e.g. data/raw)");
        }
        SourcesFile sources = SourcesFile.load(config.sourcesFile());
        Writable.require(config.outDir(), "--out");
        Writable.require(config.metadataDir(), "--metadata");
        try (FolderLock lock = FolderLock.acquire(config.metadataDir(), "lofi process " + raw + " --out " + config.outDir()
                + (config.splitLong() ? " --split-long" : ""))) {
            List<String> cleaned = new ArrayList<>();
            for (Path p : StaleFiles.clean(config.outDir(), 2)) cleaned.add(p.toString());
            for (Path p : StaleFiles.clean(config.metadataDir(), 2)) cleaned.add(p.toString());
            return runLocked(sources, progress, started, t0, cleaned);
        }
    }

    private ProcessResult runLocked(SourcesFile sources, ProgressListener progress, Instant started, long t0,
                                    List<String> cleaned) throws IOException {
        Path raw = config.rawDir();
        List<ProcessItems.Item> items = ProcessItems.list(raw, sources, config.outDir());
        ProcessSettings s = config.settings();
        Resampler resampler = Resampler.highQuality();
        String configHash = configHash(s, resampler);
        TrackProcessor processor = new TrackProcessor(s, new QualityChecks(config.qc()), resampler, opener);
        TrackRecords records = new TrackRecords(config.stateDir(), new OutputKeeper(config.outDir()));
        LongMixSplitter splitter = config.splitLong() ? new LongMixSplitter(processor, records,
                ProcessItems.outputNames(sources), s.outputFormat().extension()) : null;
        int threads = Math.max(1, s.effectiveThreads());

        progress.start("process", items.size());
        List<FileReport> reports = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        // One fork/join pool for the files and for the parts a file's stages split into (Parallel): with fewer files
        // than threads, or at the end of a run, idle workers take over parts of the files still running.
        ForkJoinPool pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("lofi-process-" + THREAD_IDS.incrementAndGet());
            return t;
        }, null, false);
        Parallel parallel = threads > 1 ? new Parallel(threads, pool) : Parallel.SERIAL;
        try (Interruption.Note note = Interruption.note(() -> finished.get() + " of " + items.size()
                + " files finished, their outputs kept in " + config.outDir() + " (the next run skips them)")) {
            List<Future<List<FileReport>>> futures = new ArrayList<>();
            for (ProcessItems.Item item : items) {
                futures.add(pool.submit(() -> {
                    List<FileReport> r = processItem(item, processor, records, splitter, configHash, parallel);
                    finished.incrementAndGet();
                    FileReport first = r.get(0);
                    progress.advance(1, first.name() != null ? first.name() : first.file());
                    return r;
                }));
            }
            for (Future<List<FileReport>> f : futures) reports.addAll(f.get());
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
                s, config.qc(), resampler.engine(), AudioDecoder.ffmpegVersion(), LOFI_VERSION, configHash,
                config.htmlReportFile().toAbsolutePath().toString(), config.splitLong());
        ProcessResult result = new ProcessResult(run, ProcessResult.Totals.of(reports), reports, cleaned);
        Json.write(config.reportFile(), result);
        QcHtmlReport.write(config.htmlReportFile(), result);
        return result;
    }

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /** The report of one item: one file, or the parts of a long mix cut by {@code --split-long}. */
    private List<FileReport> processItem(ProcessItems.Item item, TrackProcessor processor, TrackRecords records,
                                         LongMixSplitter splitter, String configHash, Parallel parallel) {
        TrackProcessor.Work w = new TrackProcessor.Work();
        Path raw = config.rawDir();
        if (item.entry() == null) {
            w.file = item.unlistedFile();
            w.input = raw.resolve(item.unlistedFile()).toAbsolutePath().toString();
            w.reject("no licence entry: the file is in the raw folder but not in " + config.sourcesFile().getFileName()
                    + "; add an entry with its licence (docs/sources-schema.md) to process it");
            return List.of(w.toReport());
        }
        var t = item.entry().track();
        w.file = t.file();
        w.name = t.outputName();
        w.category = t.category();
        w.license = t.license();
        ProcessState state = ProcessState.read(config.stateDir(), w.name);
        OutputKeeper keeper = records.keeper();
        Path out = keeper.outDir().resolve(t.category()).resolve(w.name + config.settings().outputFormat().extension());
        String rel = keeper.relative(out);
        List<Removal> removals = new ArrayList<>();
        try {
            for (String p : item.entry().problems()) w.reject("sources.json tracks[" + item.entry().index() + "] (line "
                    + item.entry().line() + "): " + p);
            Optional<String> licence = config.settings().licenses().rejectionReason(t.license());
            licence.ifPresent(w::reject);
            if (w.status == FileStatus.REJECTED) return List.of(records.finish(w, state, configHash, rel, removals));

            Path in = ProcessItems.input(raw, item.entry());
            w.input = in.toAbsolutePath().toString();
            try {
                AudioDecoder.checkReadable(in);
            } catch (LofiException e) {
                if (e.problem().equals("does not exist")) w.reject("file not found: " + in + " (check \"file\" in sources.json)");
                else w.fail(e.getMessage());
                return List.of(records.finish(w, state, configHash, rel, removals));
            }
            try {
                w.sha256 = processor.sha256(in, w);
            } catch (IOException e) {
                w.fail(in + ": cannot be read: " + e.getMessage() + " (check the file and the disk)");
                return List.of(records.finish(w, state, configHash, rel, removals));
            }
            FileReport resumed = records.resume(state, w, rel, configHash);
            if (resumed != null) return List.of(resumed);
            if (splitter != null) {
                List<FileReport> parts = splitter.split(in, w, state, configHash, parallel);
                if (parts != null) return parts;
            }
            Removal moved = keeper.clearWay(state, rel);
            if (moved != null) removals.add(moved);
            processor.process(in, out, w, parallel);
        } catch (LofiException e) {
            if (e.internal()) w.fail("internal error while processing " + w.input + ": " + e.getMessage());
            else w.fail(e.getMessage());
        } catch (IOException e) {
            w.fail("I/O error: " + e);
        } catch (RuntimeException | OutOfMemoryError e) {
            w.fail("internal error while processing " + w.input + ": " + e);
        }
        return List.of(records.finish(w, state, configHash, rel, removals));
    }

    /**
     * Hash of everything that changes an output: the pipeline version, the settings (threads and licences do not
     * change a written file; licences are checked on every run anyway), the QC thresholds and the resampler.
     */
    String configHash(ProcessSettings s, Resampler resampler) {
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
