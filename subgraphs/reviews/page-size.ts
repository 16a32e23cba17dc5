/** Default `first` for each list field. Tuned by the benchmark; the schema's defaults come from here. */
export const DEFAULT_PAGE_SIZE = { userReviews: 4, productReviews: 3 } as const;
