package dev.lofilora.audio.io;

/**
 * What a decoded file was, as FFmpeg reported it.
 *
 * @param container        FFmpeg's demuxer name, e.g. "mp3", "flac", "wav", "ogg", "mov,mp4,m4a,3gp,3g2,mj2"
 * @param codec            FFmpeg's decoder name, e.g. "mp3float", "flac", "pcm_s24le", "vorbis", "opus", "aac"
 * @param lossless         whether the codec is lossless (FFmpeg's codec descriptor)
 * @param sampleFormat     the decoder's native sample format, e.g. "s16", "s32", "fltp"
 * @param bitDepth         bits per sample of the source PCM (16, 24, 32), or 0 for lossy codecs where it has no meaning
 * @param sampleRate       the source sample rate in Hz
 * @param channels         the source channel count
 * @param channelLayout    the source channel layout, e.g. "mono", "stereo", "5.1(side)"
 * @param bitRate          the stream's bit rate in bit/s, or 0 when unknown
 * @param declaredSeconds  the duration the container declares, or -1 when it declares none
 */
public record SourceFormat(String container, String codec, boolean lossless, String sampleFormat, int bitDepth,
                           int sampleRate, int channels, String channelLayout, long bitRate, double declaredSeconds) {}
