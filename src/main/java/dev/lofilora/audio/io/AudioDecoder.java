package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;

import java.io.IOException;
import java.nio.file.Path;

/** Decodes any file FFmpeg reads into float samples at the file's own rate and channel count. */
public final class AudioDecoder {
    private AudioDecoder() {}

    /** Stub until the FFmpeg decoder lands: reads PCM WAV only. */
    public static AudioBuffer decode(Path file) throws IOException {
        return WavFile.read(file);
    }
}
