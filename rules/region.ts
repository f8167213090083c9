/** The region the platform runs and keeps its data in (data residency). */
export const HOME_REGION = "ap-south-1";
