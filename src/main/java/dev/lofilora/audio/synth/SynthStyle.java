package dev.lofilora.audio.synth;

/**
 * How a lofi clip sounds: instrument levels, groove and the "lofi" treatment. Levels are linear gains in
 * [0, 1] (0 = instrument absent); the mix is peak-normalised afterwards, so only their ratios matter.
 *
 * @param name          a label for the style (goes into the ground truth)
 * @param keys          electric piano (FM, tine attack) comping the chords
 * @param piano         acoustic-like piano (additive, slightly inharmonic partials)
 * @param pad           slow-attack detuned pad holding the chords
 * @param guitar        plucked guitar (Karplus–Strong) strumming the chords
 * @param arp           electric-piano arpeggio of the chord tones in 8th notes
 * @param chip          square-wave (chiptune) arpeggio/lead
 * @param bass          bass following the chord roots
 * @param drums         drum kit level
 * @param drumPattern   the one-bar groove
 * @param swing         0 = straight 16ths, 1 = full triplet swing of the off-beat 16ths
 * @param crackle       vinyl crackle and hiss level, 0..1
 * @param rain          rain-noise level, 0..1
 * @param wowCents      tape wow (≈0.5 Hz pitch drift) depth in cents, 0..50
 * @param flutterCents  tape flutter (≈7 Hz) depth in cents, 0..20
 * @param lowpassHz     cut-off of the final "lofi" low-pass (the style's brightness), 500..20000 Hz
 * @param chordTones    3 = triads, 4 = seventh chords, 5 = ninth chords
 * @param beatsPerChord harmonic rhythm: 2, 4 or 8 beats per chord
 */
public record SynthStyle(
        String name,
        double keys, double piano, double pad, double guitar, double arp, double chip, double bass, double drums,
        DrumPattern drumPattern,
        double swing, double crackle, double rain, double wowCents, double flutterCents, double lowpassHz,
        int chordTones, int beatsPerChord) {

    /** A plain lofi hip hop style, for tests and defaults. */
    public static final SynthStyle LOFI_HIP_HOP = new SynthStyle("lofi hip hop",
            0.8, 0, 0.2, 0, 0, 0, 0.8, 0.9, DrumPattern.BOOM_BAP,
            0.55, 0.35, 0, 9, 3, 5000, 4, 4);

    /** Validates ranges; throws IllegalArgumentException naming the field. */
    public SynthStyle {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("name is empty");
        level("keys", keys); level("piano", piano); level("pad", pad); level("guitar", guitar);
        level("arp", arp); level("chip", chip); level("bass", bass); level("drums", drums);
        if (keys + piano + pad + guitar + arp + chip == 0) {
            throw new IllegalArgumentException("no harmonic instrument: one of keys, piano, pad, guitar, arp, chip must be > 0");
        }
        if (drumPattern == null) throw new IllegalArgumentException("drumPattern is missing");
        level("swing", swing); level("crackle", crackle); level("rain", rain);
        range("wowCents", wowCents, 0, 50);
        range("flutterCents", flutterCents, 0, 20);
        range("lowpassHz", lowpassHz, 500, 20000);
        if (chordTones < 3 || chordTones > 5) throw new IllegalArgumentException("chordTones must be 3, 4 or 5, was " + chordTones);
        if (beatsPerChord != 2 && beatsPerChord != 4 && beatsPerChord != 8) {
            throw new IllegalArgumentException("beatsPerChord must be 2, 4 or 8, was " + beatsPerChord);
        }
    }

    private static void level(String field, double v) { range(field, v, 0, 1); }

    private static void range(String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) throw new IllegalArgumentException(field + " must be in [" + lo + ", " + hi + "], was " + v);
    }
}
