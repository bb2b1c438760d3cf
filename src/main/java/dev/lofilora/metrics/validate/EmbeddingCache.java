package dev.lofilora.metrics.validate;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.common.LofiException;
import dev.lofilora.metrics.WeightsFingerprint;
import dev.lofilora.metrics.clap.ClapEmbedder;
import dev.lofilora.metrics.vggish.VggishEmbedder;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Embeds clips, keeping each file's embeddings in {@code <dir>/<key>.safetensors} so a re-run (or a second checkpoint
 * scoring the same reference) does not recompute them. The key covers the file (absolute path, size, modification
 * time), both embedders' fingerprints (weights, settings, resampler) and how the file is cut into segments. Stored:
 * {@code vggish.<s>} [frames, E] (absent for a segment without frames) and {@code clap.<s>} [J] in float32.
 */
final class EmbeddingCache {
    private final Path dir;
    private final VggishEmbedder vggish;
    private final ClapEmbedder clap;

    EmbeddingCache(Path dir, VggishEmbedder vggish, ClapEmbedder clap) {
        this.dir = dir;
        this.vggish = vggish;
        this.clap = clap;
    }

    /**
     * The embeddings of {@code clip}: the first {@code seconds} of it ({@code allSegments} false: generated clips) or
     * every whole {@code seconds}-long segment, at least one (true: reference tracks).
     */
    ClipEmbeddings embed(Clip clip, double seconds, boolean allSegments) {
        Path file = dir.resolve(key(clip.audio(), seconds, allSegments) + ".safetensors");
        if (Files.isRegularFile(file)) {
            ClipEmbeddings cached = read(file, clip);
            if (cached != null) return cached;
        }
        AudioBuffer audio;
        try {
            audio = AudioDecoder.decode(clip.audio());
        } catch (IOException e) {
            throw new LofiException(clip.audio(), "cannot be decoded: " + e.getMessage(), "replace the file", e);
        }
        List<AudioBuffer> segments = segments(audio, seconds, allSegments);
        List<float[][]> v = new ArrayList<>();
        List<float[]> c = new ArrayList<>();
        for (AudioBuffer s : segments) {
            v.add(vggish.embed(s));
            c.add(clap.embedAudio(s).clip());
        }
        ClipEmbeddings out = new ClipEmbeddings(clip, v, c, segments.get(0).seconds());
        write(file, out);
        return out;
    }

    static List<AudioBuffer> segments(AudioBuffer audio, double seconds, boolean all) {
        int len = (int) Math.round(seconds * audio.sampleRate());
        int frames = audio.frames();
        if (frames == 0) throw new IllegalArgumentException("empty audio");
        int count = frames <= len ? 1 : all ? frames / len : 1;
        List<AudioBuffer> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int start = k * len, n = Math.min(len, frames - start);
            float[][] ch = new float[audio.channels()][];
            for (int c = 0; c < ch.length; c++) ch[c] = java.util.Arrays.copyOfRange(audio.samples()[c], start, start + n);
            out.add(new AudioBuffer(ch, audio.sampleRate()));
        }
        return out;
    }

    private String key(Path audio, double seconds, boolean all) {
        try {
            Path abs = audio.toAbsolutePath().normalize();
            String id = abs + "|" + Files.size(abs) + "|" + Files.getLastModifiedTime(abs).toMillis() + "|" + seconds
                    + "|" + all + "|" + vggish.fingerprint() + "|" + clap.fingerprint();
            String stem = abs.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
            return stem + "-" + WeightsFingerprint.ofText(id);
        } catch (IOException e) {
            throw new LofiException(audio, "cannot be read: " + e.getMessage(), "check the file", e);
        }
    }

    private static ClipEmbeddings read(Path file, Clip clip) {
        try (PointerScope scope = new PointerScope(); SafetensorsFile f = SafetensorsFile.open(file)) {
            int segments = Integer.parseInt(f.metadata().getOrDefault("segments", "0"));
            double secs = Double.parseDouble(f.metadata().getOrDefault("segment_seconds", "0"));
            List<float[][]> v = new ArrayList<>();
            List<float[]> c = new ArrayList<>();
            for (int s = 0; s < segments; s++) {
                v.add(f.contains("vggish." + s) ? rows(f.tensor("vggish." + s)) : new float[0][]);
                c.add(Tensors.toFloatArray(f.tensor("clap." + s)));
            }
            return segments == 0 ? null : new ClipEmbeddings(clip, v, c, secs);
        } catch (RuntimeException e) {
            return null; // an unreadable cache entry is recomputed
        }
    }

    private void write(Path file, ClipEmbeddings e) {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            for (int s = 0; s < e.segments(); s++) {
                float[][] v = e.vggish().get(s);
                if (v.length > 0) t.put("vggish." + s, Tensors.fromFloatArray(flatten(v), v.length, v[0].length));
                t.put("clap." + s, Tensors.fromFloatArray(e.clap().get(s), e.clap().get(s).length));
            }
            SafetensorsWriter.write(file, t, Map.of("segments", Integer.toString(e.segments()),
                    "segment_seconds", Double.toString(e.segmentSeconds()), "source", e.clip().audio().toString()));
        }
    }

    static float[] flatten(float[][] rows) {
        int d = rows[0].length;
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * d, d);
        return out;
    }

    private static float[][] rows(Tensor t) {
        float[] flat = Tensors.toFloatArray(t);
        int d = (int) t.size(1);
        float[][] out = new float[flat.length / d][];
        for (int i = 0; i < out.length; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        return out;
    }
}
