package dev.lofilora.preprocess;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.cache.CacheMetadata;
import dev.lofilora.cache.CacheStamp;
import dev.lofilora.cache.TrackCache;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.model.frozen.ComponentStamp;
import dev.lofilora.model.frozen.FrozenComponents;
import dev.lofilora.model.mel.Resample;
import dev.lofilora.model.tokenizer.LyricTokens;
import dev.lofilora.model.umt5.Umt5TextEncoder;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code lofi preprocess}: runs ACE-Step's frozen encoders once per track and writes the per-track cache of DESIGN §5
 * ({@link TrackCacheFile}) that {@code lofi train} reads: the ACE-scaled DCAE latent [8, 16, T] of the audio (after
 * ACE-Step's audio rules, {@link TrackAudio}), the UMT5 states of every prompt variant, and the lyric ids.
 *
 * <p>Resumable: a track whose cache file holds the same audio (sha256), prompts, lyric ids and encoder stamps is
 * skipped. A cache file made by other encoders (another model, other dimensions, bf16 rounding switched) fails that
 * track with a message instead of being mixed in, unless {@code force}. Every track gets a {@link TrackReport};
 * decoding and hashing of the next track overlap the encoding of the current one. Not thread-safe.
 */
public final class PreprocessJob {
    private final PreprocessConfig config;

    public PreprocessJob(PreprocessConfig config) {
        this.config = config;
    }

    /** Runs the job; a bad folder or model is a {@link LofiException} (exit 2), a bad track only fails that track. */
    public PreprocessResult run(ProgressListener progress) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        long start = System.nanoTime();
        List<DataFolder.Track> tracks = DataFolder.scan(config.dataDir());
        PromptSet prompts = PromptSet.read(config.metadataDir() == null ? null
                : config.metadataDir().resolve(PreprocessConfig.PROMPT_VARIANTS));
        try {
            Files.createDirectories(config.cacheDir());
        } catch (IOException e) {
            throw new LofiException(config.cacheDir(), "cannot be created: " + e.getMessage(), "choose another --out");
        }
        Device device = FrozenModels.device(config.device());
        List<TrackReport> reports = new ArrayList<>();
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "preprocess-reader");
            t.setDaemon(true);
            return t;
        });
        try (FrozenComponents models = FrozenModels.open(config.model(), config.lyricVocab(), device,
                config.bf16Weights(), config.configs())) {
            Map<String, CacheStamp> stamps = stamps(models);
            listener.start("preprocess", tracks.size());
            Future<Read> next = tracks.isEmpty() ? null : reader.submit(() -> read(tracks.get(0), stamps));
            for (int i = 0; i < tracks.size(); i++) {
                Future<Read> current = next;
                next = i + 1 < tracks.size() ? submit(reader, tracks.get(i + 1), stamps) : null;
                DataFolder.Track track = tracks.get(i);
                long t0 = System.nanoTime();
                TrackReport r;
                try (PointerScope scope = new PointerScope()) {
                    r = encode(track, await(current), models, stamps, prompts, device, t0);
                } catch (LofiException e) {
                    r = TrackReport.failed(track.key(), track.audio().toString(), e.getMessage(), secondsSince(t0));
                } catch (IOException | RuntimeException e) {
                    r = TrackReport.failed(track.key(), track.audio().toString(), track.audio() + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()), secondsSince(t0));
                }
                reports.add(r);
                listener.advance(1, track.key());
            }
            listener.finish();
            Map<String, Object> encoders = new LinkedHashMap<>(stamps);
            return new PreprocessResult(config.dataDir().toString(), config.cacheDir().toString(), models.description(),
                    Devices.describe(device), encoders, reports, PreprocessResult.Totals.of(reports), secondsSince(start));
        } finally {
            reader.shutdownNow();
        }
    }

    private Future<Read> submit(ExecutorService reader, DataFolder.Track t, Map<String, CacheStamp> stamps) {
        return reader.submit(() -> read(t, stamps));
    }

    /** What the reader thread prepares: the audio's hash, its decoded samples unless the cache looks current. */
    private record Read(String sha256, AudioBuffer audio, CacheMetadata existing, Exception error) {}

    private Read read(DataFolder.Track t, Map<String, CacheStamp> stamps) {
        try {
            String sha = sha256(t.audio());
            CacheMetadata existing = existingMetadata(t.key());
            boolean maybeCurrent = existing != null && !config.force() && existing.sourceSha256().equals(sha)
                    && existing.encoders().equals(stamps);
            AudioBuffer audio = maybeCurrent ? null : AudioDecoder.decode(t.audio());
            return new Read(sha, audio, existing, null);
        } catch (Exception e) {
            return new Read(null, null, null, e);
        }
    }

    private CacheMetadata existingMetadata(String key) {
        Path file = TrackCacheFile.pathOf(config.cacheDir(), key);
        if (!Files.exists(file)) return null;
        try {
            return TrackCacheFile.readMetadata(file);
        } catch (LofiException e) {
            return null; // unreadable or of an old format: encoded again
        }
    }

    private static Read await(Future<Read> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    private TrackReport encode(DataFolder.Track track, Read read, FrozenComponents models, Map<String, CacheStamp> stamps,
                               PromptSet promptSet, Device device, long t0) throws IOException {
        if (read.error() instanceof LofiException le) throw le;
        if (read.error() instanceof IOException io) throw io;
        if (read.error() != null) throw new IOException(read.error());
        for (Path text : List.of(track.promptFile(), track.lyricsFile())) {
            if (!Files.isRegularFile(text)) {
                throw new LofiException(text, "is missing (every track needs its _prompt.txt and _lyrics.txt)",
                        "run lofi prompts and lofi dataset again, or write the file");
            }
        }
        List<String> prompts = promptSet.prompts(track.key(), Files.readString(track.promptFile(), StandardCharsets.UTF_8));
        LyricTokens lyrics;
        try {
            lyrics = models.lyricTokenizer().encode(Files.readString(track.lyricsFile(), StandardCharsets.UTF_8));
        } catch (LofiException e) {
            throw new LofiException(track.lyricsFile(), e.problem(), e.fix());
        }

        Path cacheFile = TrackCacheFile.pathOf(config.cacheDir(), track.key());
        CacheMetadata existing = read.existing();
        if (existing != null && !config.force()) {
            if (!existing.encoders().equals(stamps)) {
                throw new LofiException(cacheFile, "was made by other encoders than --model " + config.model() + ": "
                        + difference(existing.encoders(), stamps), "write the cache into an empty --out folder, or pass "
                        + "--force to re-encode this track with the current model");
            }
            if (existing.sourceSha256().equals(read.sha256()) && existing.prompts().equals(prompts)
                    && sameLyricIds(cacheFile, lyrics.ids())) {
                try (TrackCache old = TrackCacheFile.read(cacheFile, null)) {
                    return new TrackReport(track.key(), track.audio().toString(), TrackStatus.UNCHANGED, null, List.of(),
                            existing.samples48k(), old.frames(), prompts.size(), lyrics.length(), existing.lyricsLanguage(),
                            secondsSince(t0));
                }
            }
        }

        AudioBuffer audio = read.audio() != null ? read.audio() : AudioDecoder.decode(track.audio());
        List<String> notes = new ArrayList<>();
        if (audio.sampleRate() != TrackAudio.RATE) {
            notes.add("resampled from " + audio.sampleRate() + " Hz to 48 kHz (torchaudio's kernel, as ACE-Step)");
            audio = resample(audio);
        }
        long samples48k = audio.frames();
        TrackAudio.Prepared prepared = TrackAudio.prepare(audio);
        notes.addAll(prepared.notes());
        if (prepared.dropped()) {
            return new TrackReport(track.key(), track.audio().toString(), TrackStatus.DROPPED, prepared.dropReason(),
                    notes, samples48k, null, null, null, null, secondsSince(t0));
        }
        float[][] s = prepared.samples();
        float[] flat = new float[2 * s[0].length];
        System.arraycopy(s[0], 0, flat, 0, s[0].length);
        System.arraycopy(s[1], 0, flat, s[0].length, s[1].length);
        Tensor wav = Tensors.fromFloatArray(flat, 1, 2, s[0].length).to(device, ScalarType.Float);
        Tensor latent = models.codec().encode(wav).squeeze(0).to(ScalarType.Float).cpu().contiguous(); // [8, 16, T]
        Umt5TextEncoder.Encoded text = models.textEncoder().encode(prompts);                          // [V, L, D]
        long[] ids = lyrics.ids();
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1L);
        CacheMetadata meta = new CacheMetadata(TrackCacheFile.FORMAT_VERSION, read.sha256(), samples48k, prompts,
                lyrics.language(), stamps);
        TrackCache entry = new TrackCache(track.key(), latent, text.hiddenStates(), text.mask(),
                Tensors.fromLongArray(ids, ids.length), Tensors.fromLongArray(ones, ones.length), Map.of(), meta);
        TrackCacheFile.write(config.cacheDir(), entry);
        if (existing != null && config.force()) notes.add("replaced the earlier cache file (--force)");
        return new TrackReport(track.key(), track.audio().toString(), TrackStatus.ENCODED, null, notes, samples48k,
                latent.size(2), prompts.size(), ids.length, lyrics.language(), secondsSince(t0));
    }

    private static boolean sameLyricIds(Path cacheFile, long[] ids) {
        try (TrackCache old = TrackCacheFile.read(cacheFile, null)) {
            return Arrays.equals(Tensors.toLongArray(old.lyricIds()), ids);
        } catch (LofiException e) {
            return false;
        }
    }

    /** torchaudio's Resample(sr, 48000), as ACE-Step's dataset resamples a track that is not at 48 kHz. */
    private static AudioBuffer resample(AudioBuffer a) {
        try (PointerScope scope = new PointerScope(); Resample r = new Resample(a.sampleRate(), TrackAudio.RATE)) {
            float[][] out = new float[a.channels()][];
            for (int c = 0; c < a.channels(); c++) {
                Tensor y = r.forward(Tensors.fromFloatArray(a.samples()[c], 1, a.frames()));
                out[c] = Tensors.toFloatArray(y);
            }
            return new AudioBuffer(out, TrackAudio.RATE);
        }
    }

    private static Map<String, CacheStamp> stamps(FrozenComponents models) {
        Map<String, CacheStamp> out = new LinkedHashMap<>();
        for (Map.Entry<String, ComponentStamp> e : models.stamps().entrySet()) {
            out.put(e.getKey(), new CacheStamp(e.getValue().hash(), e.getValue().dims()));
        }
        return out;
    }

    /** What differs between two stamp sets, for the "made by other encoders" message. */
    static String difference(Map<String, CacheStamp> was, Map<String, CacheStamp> now) {
        List<String> parts = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(now.keySet())) {
            CacheStamp a = was.get(name);
            CacheStamp b = now.get(name);
            if (a == null) parts.add(name + " is not recorded in it");
            else if (!a.dims().equals(b.dims())) parts.add(name + " " + a.dims() + " in the file, " + b.dims() + " now");
            else if (!a.hash().equals(b.hash())) parts.add(name + " weights differ (hash " + abbreviate(a.hash())
                    + " in the file, " + abbreviate(b.hash()) + " now)");
        }
        for (String name : was.keySet()) if (!now.containsKey(name)) parts.add(name + " is not used now");
        return String.join("; ", parts);
    }

    private static String abbreviate(String hash) {
        return hash.length() <= 12 ? hash : hash.substring(0, 12) + "…";
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
