package dev.lofilora.dataset.layout;

import dev.lofilora.dataset.sources.TrackSource;

import java.nio.file.Path;

/**
 * A processed audio file and what belongs to it.
 *
 * @param key      the track's unique key: the audio file's stem, equal to its sources.json output name
 * @param category the sub-folder of the processed folder it is in ("" at the top level)
 * @param audio    the audio file
 * @param source   its sources.json entry
 */
public record ProcessedTrack(String key, String category, Path audio, TrackSource source) {
    /** {@code <name>_prompt.txt} beside the audio (ACE-Step's converter layout). */
    public Path promptFile() { return audio.resolveSibling(key + "_prompt.txt"); }

    /** {@code <name>_lyrics.txt} beside the audio. */
    public Path lyricsFile() { return audio.resolveSibling(key + "_lyrics.txt"); }

    /** The audio file's extension, lowercase, without the dot. */
    public String extension() { return ProcessedFolder.extension(audio.getFileName().toString()); }
}
