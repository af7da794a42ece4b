import { DetailSkeleton, Loading } from '~/components/ui/skeleton';

export default function TemplateLoading() {
  return (
    <Loading label="Loading the template…">
      <DetailSkeleton />
    </Loading>
  );
}
