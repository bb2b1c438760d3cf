package dev.lofilora.export.quant;

/**
 * IEEE 754 binary16 conversions in Java 17 ({@code Float.floatToFloat16} arrived in Java 20): round to nearest, ties
 * to even, with subnormals, overflow to infinity and NaN kept — the same bits as libtorch's {@code to(Half)} and
 * numpy's {@code astype(float16)}.
 */
public final class Half {
    private Half() {}

    /** The binary16 bits nearest to {@code f}. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {                               // Inf or NaN
            return (short) (sign | 0x7C00 | (abs > 0x7F800000 ? 0x200 | ((abs >>> 13) & 0x3FF) : 0));
        }
        if (abs >= 0x477FF000) return (short) (sign | 0x7C00); // rounds to ≥ 65520: overflow
        int exp = (abs >>> 23) - 127;
        if (exp >= -14) {                                      // normal half
            int mant = abs & 0x7FFFFF;
            int h = ((exp + 15) << 10) | (mant >>> 13);
            int rest = mant & 0x1FFF;
            if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) h++;
            return (short) (sign | h);
        }
        if (exp < -25) return (short) sign;                    // below half the smallest subnormal
        int mant = (abs & 0x7FFFFF) | 0x800000;                // implicit 1
        int shift = -14 - exp + 13;                            // 14..24
        int h = mant >>> shift;
        int rest = mant & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (h & 1) == 1)) h++;
        return (short) (sign | h);
    }

    /** The float value of binary16 bits (exact). */
    public static float toFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** {@code f} rounded to binary16 and back. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
