package dev.lofilora.train;

import dev.lofilora.cache.CacheExpectations;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.SafetensorsException;
import dev.lofilora.tensor.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The per-track caches of a folder (DESIGN §5), indexed from their headers only: key, latent frames, prompt variants
 * and SSL feature names — a few hundred bytes per track, so 500 tracks / 25 hours index in milliseconds and the
 * tensors are read only when a batch needs them. Every header is validated up front (format version, dtypes and
 * ranks, and the model's latent, text and vocabulary sizes), so a corrupt or mismatched file stops the run before the
 * first step, with a message naming it.
 */
public final class CacheIndex {
    /** One track: its file, key, latent length T, number of prompt variants and SSL feature names. */
    /**
     * @param textLength  padded prompt tokens of the text states (their dimension 1)
     * @param lyricLength lyric tokens
     */
    public record Entry(Path file, String key, long frames, long variants, Set<String> ssl, long textLength,
                        long lyricLength) {}

    private final Path dir;
    private final List<Entry> entries;

    private CacheIndex(Path dir, List<Entry> entries) {
        this.dir = dir;
        this.entries = List.copyOf(entries);
    }

    /** Scans {@code dir} for {@code *.safetensors} caches (sorted by name) and validates each against the model. */
    public static CacheIndex scan(Path dir, CacheExpectations expect) {
        if (!Files.isDirectory(dir)) {
            throw new LofiException(dir, Files.exists(dir) ? "is not a folder" : "does not exist",
                    "point --data at the cache folder lofi preprocess wrote");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(TrackCacheFile.SUFFIX))
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check its permissions");
        }
        if (files.isEmpty()) {
            throw new LofiException(dir, "holds no track caches (*" + TrackCacheFile.SUFFIX + ")",
                    "run lofi preprocess on the dataset first, with --out pointing here");
        }
        List<Entry> entries = new ArrayList<>();
        for (Path f : files) entries.add(entry(f, expect));
        return new CacheIndex(dir, entries);
    }

    private static Entry entry(Path file, CacheExpectations expect) {
        TrackCacheFile.readMetadata(file); // format version and metadata, with the cache's own messages
        String name = file.getFileName().toString();
        String key = name.substring(0, name.length() - TrackCacheFile.SUFFIX.length());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String t : new String[] {"latent", "text_states", "text_mask", "lyric_ids", "lyric_mask"}) {
                if (!f.contains(t)) throw corrupt(file, "has no tensor \"" + t + "\"");
            }
            long[] latent = f.info("latent").shape();
            long[] text = f.info("text_states").shape();
            if (latent.length != 3 || text.length != 3) throw corrupt(file, "latent or text_states has the wrong rank");
            if (latent[0] != expect.latentChannels() || latent[1] != expect.latentHeight()
                    || text[2] != expect.textDim()) {
                throw new LofiException(file, String.format(Locale.ROOT, "was made for another model: latent [%d, %d, T] "
                                + "and text width %d, the model takes [%d, %d, T] and %d", latent[0], latent[1], text[2],
                        expect.latentChannels(), expect.latentHeight(), expect.textDim()),
                        "run lofi preprocess again with the model you train, into an empty cache folder");
            }
            if (latent[2] < 1) throw corrupt(file, "latent has no frames");
            Set<String> ssl = new TreeSet<>();
            for (String n : f.names()) if (n.startsWith("ssl.")) ssl.add(n.substring(4));
            return new Entry(file, key, latent[2], text[0], ssl, text[1], f.info("lyric_ids").shape()[0]);
        } catch (SafetensorsException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    private static LofiException corrupt(Path file, String problem) {
        return new LofiException(file, "is not a valid track cache: " + problem,
                "delete it and run lofi preprocess again (it re-encodes only missing tracks)");
    }

    public Path dir() { return dir; }

    public List<Entry> entries() { return entries; }

    public int size() { return entries.size(); }

    /** Total latent frames (≈ 10.77 per second of audio). */
    public long totalFrames() { return entries.stream().mapToLong(Entry::frames).sum(); }

    /**
     * Whether every track holds SSL features for every REPA head. Cache files name them without punctuation
     * ({@code ssl.mert}, {@code ssl.mhubert}); the model's heads are {@code mert}, {@code m-hubert}.
     */
    public boolean hasSsl(List<String> heads) {
        if (heads.isEmpty()) return false;
        for (Entry e : entries) for (String h : heads) if (!e.ssl().contains(cacheSslName(h))) return false;
        return true;
    }

    /** The cache's tensor name (after {@code ssl.}) for a REPA head of the model. */
    public static String cacheSslName(String head) {
        return head.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
