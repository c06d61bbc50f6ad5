// Progressive enhancement: pages work without this file; it turns on govuk-frontend's behaviours.
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

initAll();
