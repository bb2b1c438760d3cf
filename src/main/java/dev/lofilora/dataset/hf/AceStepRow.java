package dev.lofilora.dataset.hf;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the HF dataset ACE-Step's trainer reads ({@code Text2MusicDataset}), with the columns and values its
 * converter ({@code convert2hf_dataset.py}) makes: research/acestep.md §4.1.
 *
 * @param keys           the audio file's stem (the track's unique key)
 * @param filename       path of the audio file (absolute, or relative to where the trainer is started)
 * @param tags           the prompt text split on {@code ", "}
 * @param speakerEmbPath always {@code ""} in the converter's output (the trainer then uses a zero speaker vector)
 * @param normLyrics     the lyrics text, stripped
 * @param recaption      alternative captions; the converter writes {@code {}} (a struct with no fields)
 */
public record AceStepRow(String keys, String filename, List<String> tags, String speakerEmbPath, String normLyrics,
                         Map<String, String> recaption) {
    public AceStepRow {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(filename, "filename");
        tags = List.copyOf(tags);
        Objects.requireNonNull(speakerEmbPath, "speakerEmbPath");
        Objects.requireNonNull(normLyrics, "normLyrics");
        recaption = Map.copyOf(recaption);
    }

    /**
     * The row the converter makes from an audio file and the texts of its {@code _prompt.txt} and
     * {@code _lyrics.txt}: both texts stripped (Python {@code str.strip()}), tags = prompt split on {@code ", "}.
     */
    public static AceStepRow fromFiles(String key, String filename, String promptText, String lyricsText) {
        String prompt = PythonStrings.strip(promptText);
        return new AceStepRow(key, filename, PythonStrings.split(prompt, ", "), "", PythonStrings.strip(lyricsText),
                Map.of());
    }
}
