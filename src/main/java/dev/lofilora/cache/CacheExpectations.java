package dev.lofilora.cache;

/**
 * What a model expects of a cache entry; {@link TrackCacheFile#read} refuses entries that disagree, naming the file.
 *
 * @param latentChannels  the transformer's {@code in_channels} (8)
 * @param latentHeight    the transformer's {@code max_height} (16, the DCAE's mel bins / 8)
 * @param textDim         the transformer's {@code text_embedding_dim} (UMT5's {@code d_model}, 768)
 * @param lyricVocabSize  the transformer's {@code lyric_encoder_vocab_size} (6693); every lyric id must be below it
 */
public record CacheExpectations(long latentChannels, long latentHeight, long textDim, long lyricVocabSize) {}
