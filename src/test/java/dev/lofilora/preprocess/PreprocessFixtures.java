package dev.lofilora.preprocess;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.cache.CacheMetadata;
import dev.lofilora.cache.CacheStamp;
import dev.lofilora.cache.TrackCache;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Dataset folders and foreign cache files for the preprocess tests (synthesised audio, no shared files). */
final class PreprocessFixtures {
    private PreprocessFixtures() {}

    /** A 48 kHz stereo 24-bit WAV of two detuned tones at −12 dBFS ({@code silent}: all zeros). */
    static Path wav(Path file, double seconds, boolean silent) throws IOException {
        int n = (int) Math.round(seconds * 48000);
        float[][] s = new float[2][n];
        if (!silent) {
            for (int i = 0; i < n; i++) {
                s[0][i] = (float) (0.25 * Math.sin(2 * Math.PI * 220 * i / 48000.0));
                s[1][i] = (float) (0.25 * Math.sin(2 * Math.PI * 331 * i / 48000.0));
            }
        }
        Files.createDirectories(file.getParent());
        WavFile.write(file, new AudioBuffer(s, 48000), 24);
        return file;
    }

    /** A track in the dataset layout: {@code <key>.wav}, {@code <key>_prompt.txt}, {@code <key>_lyrics.txt} (null: none). */
    static Path track(Path data, String key, double seconds, boolean silent, String prompt, String lyrics)
            throws IOException {
        Path audio = wav(data.resolve(key + ".wav"), seconds, silent);
        Files.writeString(data.resolve(key + "_prompt.txt"), prompt);
        if (lyrics != null) Files.writeString(data.resolve(key + "_lyrics.txt"), lyrics);
        return audio;
    }

    /** A cache file as the released model's encoders would write it (UMT5 d_model 768, ACE-Step's lyric vocabulary). */
    static Path foreignCache(Path cacheDir, String key) {
        Map<String, CacheStamp> stamps = Map.of(
                "dcae", new CacheStamp("aa", Map.of("latent_channels", 8L, "latent_height", 16L, "compression", 8L,
                        "sample_rate", 48000L)),
                "text_encoder", new CacheStamp("bb", Map.of("d_model", 768L, "vocab_size", 256384L, "max_length", 256L)),
                "lyric_tokenizer", new CacheStamp("cc", Map.of("vocab_size", 6693L, "max_tokens", 4096L)));
        CacheMetadata meta = new CacheMetadata(TrackCacheFile.FORMAT_VERSION, "00", 48000, List.of("lofi"), "en", stamps);
        try (TrackCache c = new TrackCache(key, torch.zeros(8, 16, 12), torch.zeros(1, 4, 768),
                Tensors.fromLongArray(new long[] {1, 1, 1, 1}, 1, 4), Tensors.fromLongArray(new long[] {261, 6688, 2}, 3),
                Tensors.fromLongArray(new long[] {1, 1, 1}, 3), Map.of(), meta)) {
            return TrackCacheFile.write(cacheDir, c);
        }
    }
}
