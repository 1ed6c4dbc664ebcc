/** Input size of the traffic-sign classifier (RGB, 32×32). */
export const IMAGE_SIZE = 32;
