package dev.lofilora.train;

import dev.lofilora.cache.CacheExpectations;
import dev.lofilora.cache.TrackCache;
import dev.lofilora.cache.TrackCacheFile;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Streams training batches from the per-track caches in a seeded order (DESIGN §5). Each epoch is a shuffle of all
 * tracks that depends only on (seed, epoch); with batches larger than one the shuffled tracks are grouped by length
 * bucket ({@code bucket_frames}) and cut into batches within their bucket (the few left over per bucket are batched
 * together in length order), the batch order is shuffled again, and every item of a batch is
 * cropped to the batch's shortest latent (a seeded offset) — equal-length crops, never padded latents, because padded
 * frames change valid ones (GroupNorm over time, the depthwise conv). Text and lyrics are padded and masked. One
 * prompt variant per item per step, seeded. REPA targets are cropped in proportion to the latent crop.
 *
 * <p>Only the current batch is in memory: files are read when their batch comes up. Not thread-safe.
 */
public final class BatchLoader {
    private final CacheIndex index;
    private final CacheExpectations expect;
    private final int batchSize;
    private final int bucketFrames;
    private final long seed;
    private final List<String> sslHeads;
    private final long speakerDim;
    private DataPosition position;
    private long planEpoch = -1;
    private List<int[]> plan;

    /**
     * @param sslHeads REPA heads to load targets for (the model's ssl_names), empty when REPA is off
     * @param start    where to start (a resumed run's saved position)
     */
    public BatchLoader(CacheIndex index, CacheExpectations expect, int batchSize, int bucketFrames, long seed,
                       List<String> sslHeads, long speakerDim, DataPosition start) {
        this.index = index;
        this.expect = expect;
        this.batchSize = batchSize;
        this.bucketFrames = bucketFrames;
        this.seed = seed;
        this.sslHeads = List.copyOf(sslHeads);
        this.speakerDim = speakerDim;
        this.position = start;
    }

    /** The position of the next batch. */
    public DataPosition position() { return position; }

    /** Batches per epoch. */
    public int batchesPerEpoch() { return plan(0).size(); }

    /** The global batch order of {@code epoch}: track indices per batch. */
    public List<int[]> plan(long epoch) {
        if (epoch == planEpoch) return plan;
        int n = index.size();
        SplittableRandom r = new SplittableRandom(Seeds.mix(seed, epoch, 0x5EED));
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        shuffle(order, r);
        List<int[]> batches = new ArrayList<>();
        if (batchSize == 1) {
            for (int i : order) batches.add(new int[] {i});
        } else {
            // Full batches inside each length bucket; the few left over per bucket are batched together in length
            // order (adjacent buckets), then every batch is cropped to its shortest track.
            java.util.TreeMap<Long, List<Integer>> buckets = new java.util.TreeMap<>();
            for (int i : order) buckets.computeIfAbsent(index.entries().get(i).frames() / bucketFrames,
                    k -> new ArrayList<>()).add(i);
            List<Integer> leftover = new ArrayList<>();
            for (List<Integer> bucket : buckets.values()) {
                int full = bucket.size() / batchSize * batchSize;
                for (int i = 0; i < full; i += batchSize) batches.add(toArray(bucket.subList(i, i + batchSize)));
                leftover.addAll(bucket.subList(full, bucket.size()));
            }
            for (int i = 0; i < leftover.size(); i += batchSize) {
                batches.add(toArray(leftover.subList(i, Math.min(i + batchSize, leftover.size()))));
            }
            int[][] arr = batches.toArray(new int[0][]);
            shuffle(arr, r);
            batches = List.of(arr);
        }
        planEpoch = epoch;
        plan = batches;
        return plan;
    }

    private static int[] toArray(List<Integer> items) {
        return items.stream().mapToInt(Integer::intValue).toArray();
    }

    private static <T> void shuffle(T[] a, SplittableRandom r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Reads and returns the batch at the current position, then advances. */
    public TrainBatch next() { return next(DataShard.SINGLE).batch(); }

    /**
     * One process's part of a global batch: items {@code [offset, offset + batch.size())} of a {@code globalSize}-item
     * batch, or a null batch when the share is empty.
     */
    public record Shard(TrainBatch batch, int offset, int globalSize) {
        public int size() { return batch == null ? 0 : (int) batch.size(); }
    }

    /**
     * Reads {@code shard}'s items of the batch at the current position, then advances. The items are cropped and
     * seeded exactly as in the whole batch (the crop is the global batch's shortest track, from the index; crop
     * offsets and prompt variants are seeded by the item's place in the global batch), so the shards of all processes
     * together hold the same items as {@link #next()}; text and lyrics are padded to the global batch's longest.
     */
    public Shard next(DataShard shard) {
        List<int[]> p = plan(position.epoch());
        int[] items = p.get((int) position.batch());
        int lo = shard.start(items.length), hi = shard.end(items.length);
        long crop = java.util.Arrays.stream(items).mapToLong(i -> index.entries().get(i).frames()).min().orElseThrow();
        TrainBatch b = hi > lo ? load(items, lo, hi, crop, position) : null;
        position = position.batch() + 1 < p.size() ? new DataPosition(position.epoch(), position.batch() + 1)
                : new DataPosition(position.epoch() + 1, 0);
        return new Shard(b, lo, items.length);
    }

    private TrainBatch load(int[] all, int lo, int hi, long crop, DataPosition at) {
        List<TrackCache> caches = new ArrayList<>();
        try {
            for (int i = lo; i < hi; i++) caches.add(TrackCacheFile.read(index.entries().get(all[i]).file(), expect));
            // padded to the whole global batch's longest text/lyrics (from the index), so a shard's items are padded
            // exactly as in a one-process run (padding changes the attention's reduction lengths)
            long maxText = 0, maxLyrics = 0;
            for (int i : all) {
                maxText = Math.max(maxText, index.entries().get(i).textLength());
                maxLyrics = Math.max(maxLyrics, index.entries().get(i).lyricLength());
            }
            TensorVector latents = new TensorVector(), text = new TensorVector(), textMask = new TensorVector();
            TensorVector lyrics = new TensorVector(), lyricMask = new TensorVector();
            Map<String, List<Tensor>> ssl = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>();
            for (int k = 0; k < caches.size(); k++) {
                TrackCache c = caches.get(k);
                keys.add(c.key());
                SplittableRandom r = new SplittableRandom(Seeds.mix(seed, at.epoch(), at.batch(), lo + k, 0xDA7A));
                long start = c.frames() > crop ? r.nextLong(c.frames() - crop + 1) : 0;
                int variant = r.nextInt((int) c.variants());
                latents.push_back(c.latent().narrow(2, start, crop));                                  // [C, H, T']
                text.push_back(pad(c.textStates().get(variant), 0, maxText));                         // [L, D]
                textMask.push_back(pad(c.textMask().get(variant), 0, maxText));                       // [L]
                lyrics.push_back(pad(c.lyricIds(), 0, maxLyrics));                                    // [N]
                lyricMask.push_back(pad(c.lyricMask(), 0, maxLyrics));                                // [N]
                for (String head : sslHeads) {
                    Tensor z = c.ssl().get(CacheIndex.cacheSslName(head));
                    long len = z.size(0);
                    long s0 = Math.min(len - 1, start * len / c.frames());
                    long n = Math.max(1, Math.min(len - s0, Math.round((double) crop * len / c.frames())));
                    ssl.computeIfAbsent(head, h -> new ArrayList<>()).add(z.narrow(0, s0, n).clone());
                }
            }
            long b = caches.size();
            return new TrainBatch(keys, torch.stack(latents), torch.ones(b, crop), torch.stack(text),
                    torch.stack(textMask), torch.zeros(b, speakerDim), torch.stack(lyrics), torch.stack(lyricMask), ssl);
        } finally {
            caches.forEach(TrackCache::close);
        }
    }

    /** Zero-pads dimension {@code dim} of {@code t} to {@code size}. */
    private static Tensor pad(Tensor t, int dim, long size) {
        long have = t.size(dim);
        if (have == size) return t.clone();
        long[] p = new long[(int) t.dim() * 2];
        int fromEnd = (int) t.dim() - 1 - dim;
        p[2 * fromEnd + 1] = size - have;
        return torch.constant_pad_nd(t, p, new Scalar(0));
    }
}
