package dev.lofilora.dataset.curate;

/**
 * Where a part of a long mix comes from ({@code process --split-long}): the parent track and the cut points.
 *
 * @param parent       the output name of the mix (its sources.json entry, whose licence the part inherits)
 * @param index        1-based part number ({@code <parent>_partNN})
 * @param parts        how many parts the mix was cut into
 * @param startSeconds start in the mix
 * @param endSeconds   end in the mix
 * @param cutBefore    how the start was chosen: {@code start} (the mix's beginning), {@code silence} (the middle of
 *                     a silent gap) or {@code beat} (a bar-aligned beat of the tempo analysis)
 * @param cutAfter     how the end was chosen: {@code silence}, {@code beat} or {@code end}
 */
public record Segment(String parent, int index, int parts, double startSeconds, double endSeconds, String cutBefore,
                      String cutAfter) {}
