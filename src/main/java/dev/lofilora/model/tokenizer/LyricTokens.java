package dev.lofilora.model.tokenizer;

/**
 * The lyric token ids of one track as ACE-Step builds them, and the language they were tokenised as:
 * {@code "en"}, {@code "instrumental"} (only structure tags such as {@code [instrumental]}/{@code [inst]}) or
 * {@code "none"} (no lyrics: ids {@code [0]}).
 */
public record LyricTokens(long[] ids, String language) {
    public LyricTokens {
        ids = ids.clone();
    }

    @Override
    public long[] ids() { return ids.clone(); }

    public int length() { return ids.length; }
}
