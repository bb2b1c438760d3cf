package dev.lofilora.dataset.layout;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.Json;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test fixtures: processed folders with tiny WAV files, prompt/lyrics files and a sources.json. */
public final class DatasetFixtures {
    private DatasetFixtures() {}

    /** A sources.json entry (file relative to data/raw). */
    public static Map<String, Object> entry(String name, String category, String style, String artist, String license) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("file", category + "/" + name + ".mp3");
        e.put("name", name);
        e.put("title", name);
        e.put("artist", artist);
        e.put("source_url", "");
        e.put("license", license);
        e.put("license_evidence", "test fixture");
        e.put("tier", "test");
        e.put("category", category);
        if (style != null) e.put("style", style);
        return e;
    }

    public static void writeSources(Path metadataDir, List<Map<String, Object>> entries) throws IOException {
        Files.createDirectories(metadataDir);
        Json.write(metadataDir.resolve("sources.json"), Map.of("version", 1, "tracks", entries));
    }

    /** A 16-bit mono sine of {@code seconds} at 8 kHz. */
    public static Path tone(Path file, double seconds, double hz) throws IOException {
        int rate = 8000;
        float[] s = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < s.length; i++) s[i] = (float) (0.3 * Math.sin(2 * Math.PI * hz * i / rate));
        Files.createDirectories(file.getParent());
        WavFile.write(file, new AudioBuffer(new float[][] {s}, rate), 16);
        return file;
    }

    /**
     * A 48 kHz stereo 24-bit WAV of {@code seconds} whose samples are a sparse hole: the header is real, the data
     * takes no disk space and reads as silence. Lets a test hand hours of "audio" to code that must never load it.
     */
    public static Path sparseWav(Path file, double seconds) throws IOException {
        int rate = 48000, channels = 2, bytes = 3;
        long dataLen = Math.round(seconds * rate) * channels * bytes;
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952).putInt((int) (36 + dataLen)).putInt(0x45564157);
        h.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bytes).putShort((short) (channels * bytes)).putShort((short) (bytes * 8));
        h.putInt(0x61746164).putInt((int) dataLen);
        Files.createDirectories(file.getParent());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(h.array());
            raf.setLength(44 + dataLen);
        }
        return file;
    }

    public static void texts(Path audio, String prompt, String lyrics) throws IOException {
        String stem = audio.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Files.writeString(audio.resolveSibling(stem + "_prompt.txt"), prompt);
        Files.writeString(audio.resolveSibling(stem + "_lyrics.txt"), lyrics);
    }

    /**
     * A processed folder with {@code perStyle[i]} one-second tones of style {@code styles[i]} under category
     * "lofi", prompt and lyrics files, and a sources.json (licence CC-BY-4.0; artists of 2 tracks each).
     * Returns the entries.
     */
    public static List<Map<String, Object>> library(Path processed, Path metadata, String[] styles, int[] perStyle)
            throws IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        int n = 0;
        for (int s = 0; s < styles.length; s++) {
            for (int i = 0; i < perStyle[s]; i++, n++) {
                String name = styles[s] + "_" + i;
                Path wav = tone(processed.resolve("lofi").resolve(name + ".wav"), 1.0, 220 + 10 * n);
                texts(wav, styles[s].replace('_', ' ') + ", chill, " + (70 + i) + " bpm", "[instrumental]");
                entries.add(entry(name, "lofi", styles[s], "artist " + (n / 2), "CC-BY-4.0"));
            }
        }
        writeSources(metadata, entries);
        return entries;
    }
}
