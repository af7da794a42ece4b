export const TEMPLATE_PAGE_SIZE = 20;
