package dev.lofilora.infer;

/** The three condition encodings of ACE-Step's text2music loop (research/acestep.md §5.1 step 6). */
public enum Condition {
    /** P(x | speaker, text, lyrics): every guided and unguided iteration. */
    COND("cond"),
    /** The unconditional branch: zero text/speaker/lyrics, or with ERG the weakened encodings. */
    NULL("null"),
    /** Text without lyrics, for double-condition guidance only. */
    NO_LYRIC("no_lyric");

    private final String id;

    Condition(String id) {
        this.id = id;
    }

    /** The name the golden files and the original use ("cond", "null", "no_lyric"). */
    public String id() { return id; }
}
